"""The back office's HTML pages: Jinja2 templates and htmx, an edge like the JSON API.

Routes parse, call one service and render (``templates/``); htmx requests get the page's
partial (a template whose name starts with ``_``) and ``HX-*`` headers. See docs/ui.md.
"""
