"""Publishing a Report to GitHub: where each output goes, and the small operations that put it there.

The split follows python-coverage-comment-action's: ``context`` reads the event, ``decide`` is a pure
"what to publish for this event" function, ``issueplan`` the pure "what to file, update or close"
(over the state ``issuestate`` keeps in each issue), ``comment`` / ``readme`` / ``issues`` /
``payload`` are small operations taking a PyGithub object, ``client`` builds it and describes its
errors, and ``publish`` is the glue that receives all I/O as arguments.  Nothing here is imported
by ``rodeo run``: PyGithub is loaded only by ``report`` and ``post``.
"""
