"""Assets and chart geometry of the HTML pages (``opendata.emit.html``).

``page.css``, ``package.js`` and ``catalog.js`` are package data: they are written inline into
every page, so the pages need no network and no other file. ``treemap`` lays out the chart.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def asset(name: str) -> str:
    """The text of an asset shipped beside this module (``page.css``, ``package.js`` …)."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")
