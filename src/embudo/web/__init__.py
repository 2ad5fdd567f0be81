"""The web dashboard: server-rendered pages (Jinja2 + htmx + ECharts) over the analytics.

An interface layer beside `embudo.api`: pages read through `analytics` (and
the read side of `engine`), never build SQL, and never import the API; the
two meet only in `embudo.server`, which mounts both on one ASGI app.
"""
