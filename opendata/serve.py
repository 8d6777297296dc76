"""A local SPARQL endpoint over the embedded store: the ``oxigraph`` package's server binary.

``opendata serve DIR`` refreshes ``DIR/.opendata-store`` and then runs
``oxigraph serve-read-only --location DIR/.opendata-store/oxigraph --bind 127.0.0.1:7878
--union-default-graph`` over it, holding the store's lock shared so no refresh writes underneath
the server. The SPARQL endpoint is ``http://HOST:PORT/query``; oxigraph also serves a query page
at ``http://HOST:PORT/``. The binary comes from the ``oxigraph`` PyPI package (installed beside
the Python interpreter, or found on PATH).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .errors import OpendataError


class ServerUnavailable(OpendataError):
    """The oxigraph server binary is not installed."""


def executable() -> Path:
    """The ``oxigraph`` executable: next to ``sys.executable`` (a virtualenv), else on PATH."""
    here = Path(sys.executable).parent
    for name in ("oxigraph", "oxigraph.exe"):
        candidate = here / name
        if candidate.is_file():
            return candidate
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerUnavailable("the oxigraph server is not installed: pip install oxigraph")


def command(location: str | Path | None, host: str = "127.0.0.1", port: int = 7878, *, cors: bool = False,
            read_only: bool = True, union_default_graph: bool = True, timeout_s: int | None = None) -> list[str]:
    """The command line that starts the server over ``location`` (None: an in-memory store, read-write)."""
    exe = str(executable())
    if location is None:
        args = [exe, "serve"]
    else:
        args = [exe, "serve-read-only" if read_only else "serve", "--location", str(location)]
    args += ["--bind", f"{host}:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    if cors:
        args.append("--cors")
    if timeout_s is not None:
        args += ["--timeout-s", str(timeout_s)]
    return args


def start(location: str | Path | None, host: str = "127.0.0.1", port: int = 7878, **options: object) -> subprocess.Popen[bytes]:
    """Start the server (not waiting for it); the caller stops it with ``terminate()``."""
    return subprocess.Popen(command(location, host, port, **options),  # type: ignore[arg-type]
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def urls(host: str, port: int) -> dict[str, str]:
    """Where the server answers: the query page, the SPARQL query endpoint, the graph store."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    return {"page": base + "/", "query": base + "/query", "store": base + "/store"}
