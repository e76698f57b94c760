"""Turning results into what people read. Nothing here runs a cell or talks to GitHub."""
