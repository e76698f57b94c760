"""Turning results into what people read. Nothing here runs a cell or talks to GitHub.

``collect`` reads a results folder into cells; ``build`` makes the ``model.Report`` (with ``history``:
the baseline and the digest); ``view`` formats and escapes its pieces once; ``render`` makes the
markdown report, summary, PR comment, README block and terminal table, ``issuetext`` an issue's
texts, ``svg`` and ``badge`` the pictures. ``templates`` loads the Jinja2 templates, ``markers`` are
the hidden markers every published output carries (and where a README's block is found), ``escape``
and ``budget`` keep each output inert and within GitHub's limits; ``command`` is ``rodeo report``.
"""
