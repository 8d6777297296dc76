"""Publishing outputs of a disclosure. ``opendata.emit.rdf.render`` gives Turtle, JSON-LD and N-Triples."""

from __future__ import annotations

from .rdf import DEFAULT_BASE, RdfFiles, render

__all__ = ["DEFAULT_BASE", "RdfFiles", "render"]
