"""The embedded SPARQL store: every package of a build directory in one pyoxigraph store on disk.

``open_store(DIR)`` keeps ``DIR/.opendata-store/`` beside the packages that ``opendata build``
wrote and brings it up to date before use:

* each package (``DIR/<package>/data.nt``) is its own named graph, named by the package's dataset
  IRI (the ``qb:DataSet`` / ``budget:Disclosure`` of its data), so a graph can be replaced whole;
* the vocabulary (vocab/*.ttl: ontology, structure) and the code lists (vocab/codelists/*.ttl) are
  one more graph, :data:`VOCABULARY_GRAPH`;
* ``state.json`` records, per package, the SHA-256 of the ``data.nt`` that was loaded (and its
  size, mtime and inode, so an untouched file need not be hashed again); only packages whose
  ``data.nt`` changed are reloaded, removed packages are dropped. A package is marked pending
  before its graph is touched, so an interrupted refresh is repaired by the next one.
* loading uses pyoxigraph's bulk loader: the changed packages go in batches of about 32 MB of
  N-Triples, each one N-Quads stream naming every triple's graph (a package whose file is not plain
  `` .``-terminated N-Triples without blank nodes is loaded on its own). A refresh that loaded many
  packages then compacts the database (``Store.optimize``): a store loaded package by package kept
  four files per package (4,000 at N = 1,000), which made every open cost ~0.1 s and every query
  slower; batches plus compaction leave a few dozen files (queries 10-30 % faster, open ~0.02 s);
* a lock file (``fcntl.flock``) keeps two processes from refreshing the store at once; a running
  ``opendata serve`` holds it shared.

Queries see the union of all graphs as their default graph, so they need no GRAPH clauses; the
same queries work on a SPARQL server configured that way (oxigraph ``--union-default-graph``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from .errors import OpendataError
from .queries import Query, Results, bind, from_pyoxigraph, QueryError
from .vocab import vocab_dir

STORE_NAME = ".opendata-store"
DATABASE_NAME = "oxigraph"
STATE_NAME = "state.json"
LOCK_NAME = "lock"
DATA_FILE = "data.nt"
_STATE_FORMAT = 1
_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_BATCH_BYTES = 32 << 20  # N-Triples per bulk load: ~12 packages, ~300 MB peak memory
_COMPACT_FROM = 20  # packages loaded in one refresh from which the database is compacted afterwards
_DISCLOSURE = b"/def/budget#Disclosure>"


class StoreBusy(OpendataError):
    """Another process holds the store (a refresh in progress, or ``opendata serve`` running)."""


class StoreUnavailable(OpendataError):
    """pyoxigraph (the ``rdf`` extra) is not installed, or the directory holds no packages."""


def vocabulary_graph() -> str:
    """The IRI of the named graph holding the ontology and the code lists."""
    from .iris import templates

    return templates().vocab_base + "/graph/vocabulary"


def vocabulary_files() -> list[Path]:
    """The Turtle files of the vocabulary graph: vocab/*.ttl and vocab/codelists/*.ttl, sorted."""
    root = vocab_dir()
    return sorted(root.glob("*.ttl")) + sorted((root / "codelists").glob("*.ttl"))


def vocabulary_ntriples() -> bytes:
    """The vocabulary graph as one N-Triples document: blank nodes canonically labelled, lines sorted,
    so the same files give the same bytes."""
    import pyoxigraph as ox

    dataset = ox.Dataset()
    for path in vocabulary_files():
        with path.open("rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()):
                dataset.add(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)  # blank node labels from content (RDFC-1.0)
    lines = {f"{q.subject} {q.predicate} {q.object} .\n" for q in dataset}
    return "".join(sorted(lines)).encode("utf-8")


def files_digest(paths: list[Path]) -> str:
    """One SHA-256 over several files (names and contents)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def graph_of(path: Path) -> str:
    """The dataset IRI of a package's data.nt (the subject typed budget:Disclosure), its graph name.

    Falls back to a URN made from the package folder name when the data has no such triple.
    """
    data = path.read_bytes()
    at = data.find(_DISCLOSURE)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        line = data[start:data.find(b"\n", at) if data.find(b"\n", at) >= 0 else len(data)]
        parts = line.split(b" ", 2)
        if len(parts) == 3 and parts[1] == _TYPE and parts[0].startswith(b"<"):
            return parts[0][1:-1].decode("utf-8")
        at = data.find(_DISCLOSURE, at + 1)
    from .iris import segment

    return f"urn:opendata:package:{segment(path.parent.name)}"


@dataclass(frozen=True, slots=True)
class Package:
    """One package folder with RDF: its name and its data.nt."""

    name: str
    path: Path


def packages(directory: Path) -> list[Package]:
    """The package folders of a build directory that have a data.nt, sorted by name."""
    if not directory.is_dir():
        return []
    found = []
    for child in sorted(directory.iterdir(), key=lambda p: p.name):
        if child.name.startswith(".") or not child.is_dir():
            continue
        data = child / DATA_FILE
        if data.is_file():
            found.append(Package(child.name, data))
    return found


@dataclass(frozen=True, slots=True)
class Refresh:
    """What a refresh did: packages loaded, dropped and left alone, and whether the vocabulary was reloaded."""

    loaded: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    vocabulary: bool = False
    conflicts: tuple[str, ...] = ()  # packages whose dataset IRI another package already uses
    seconds: float = 0.0


@dataclass
class EmbeddedStore:
    """An open store over a build directory; use :func:`open_store`."""

    directory: Path
    store: Any
    graphs: dict[str, str] = field(default_factory=dict)  # package name → graph IRI
    refreshed: Refresh = field(default_factory=Refresh)

    def query(self, query: Query, params: Mapping[str, str] | None = None) -> Results:
        """Run a query (parameters bound in a VALUES block) over the union of all graphs."""
        text = bind(query, params or {})
        try:
            answer = self.store.query(text, use_default_graph_as_union=True)
            return from_pyoxigraph(answer)
        except SyntaxError as error:
            raise QueryError(f"query {query.name}: {error}") from None

    def count(self, graph: str) -> int:
        """Triples in one named graph."""
        import pyoxigraph as ox

        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def store_path(directory: Path) -> Path:
    return Path(directory) / STORE_NAME


@contextmanager
def _locked(path: Path, shared: bool, timeout: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")
    try:
        deadline = time.monotonic() + timeout
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        while True:
            try:
                fcntl.flock(handle, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"the store {path.parent} is in use by another process (a refresh, or `opendata serve`); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        handle.close()


@contextmanager
def open_store(directory: str | Path, *, refresh: bool = True, shared: bool = False,
               lock_timeout: float = 30.0) -> Iterator[EmbeddedStore]:
    """The store of ``directory`` (created on first use), refreshed unless ``refresh=False``.

    ``shared=True`` takes the lock shared (for a server reading the store, after a refresh).
    """
    try:
        import pyoxigraph as ox
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency; a broken install lands here
        raise StoreUnavailable("the embedded store needs pyoxigraph: pip install pyoxigraph") from None
    directory = Path(directory)
    if not directory.is_dir():
        raise StoreUnavailable(f"{directory} is not a directory (build packages into it with `opendata build --out`)")
    root = store_path(directory)
    with _locked(root / LOCK_NAME, shared, lock_timeout):
        db = ox.Store(str(root / DATABASE_NAME))
        try:
            opened = EmbeddedStore(directory, db)
            if refresh:
                opened.refreshed = _refresh(opened, root / STATE_NAME)
            state = _read_state(root / STATE_NAME)
            opened.graphs = {name: entry["graph"] for name, entry in state["packages"].items() if "sha256" in entry}
            yield opened
        finally:
            db.flush()
            del db
            opened.store = None  # type: ignore[assignment]


def database_path(directory: str | Path) -> Path:
    """The oxigraph database folder inside the store of ``directory``."""
    return store_path(Path(directory)) / DATABASE_NAME


@contextmanager
def serving(directory: str | Path, lock_timeout: float = 30.0) -> Iterator[tuple[Path, Refresh]]:
    """Refresh the store, close it and hold its lock shared while the caller runs a read-only server
    over the database folder it yields (with what the refresh did)."""
    done = refresh(directory)
    with _locked(store_path(Path(directory)) / LOCK_NAME, True, lock_timeout):
        yield database_path(directory), done


def refresh(directory: str | Path) -> Refresh:
    """Bring the store of ``directory`` up to date and close it."""
    with open_store(directory) as opened:
        return opened.refreshed


def _read_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") == _STATE_FORMAT:
            return data
    except (OSError, ValueError):
        pass
    return _fresh_state()


def _fresh_state() -> dict[str, Any]:
    return {"format": _STATE_FORMAT, "packages": {}, "vocabulary": {}}


def _write_state(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _refresh(opened: EmbeddedStore, state_path: Path) -> Refresh:
    import pyoxigraph as ox

    started = time.monotonic()
    db = opened.store
    state = _read_state(state_path)
    if not any(True for _ in db.named_graphs()) and state["packages"]:
        state = _fresh_state()  # the database was removed but not the state: start again
    recorded: dict[str, dict[str, Any]] = state["packages"]
    current = {p.name: p for p in packages(opened.directory)}
    loaded: list[str] = []
    removed: list[str] = []
    conflicts: list[str] = []
    unchanged = 0

    for name in sorted(set(recorded) - set(current)):
        graph = recorded[name]["graph"]
        db.remove_graph(ox.NamedNode(graph))
        del recorded[name]
        removed.append(name)
        _write_state(state_path, state)

    batch: list[tuple[str, Package, str, list[int]]] = []  # packages to load: name, package, sha256, stat
    for name, package in current.items():
        entry = recorded.get(name)
        stat = _stat(package.path)
        if entry and "sha256" in entry and entry.get("stat") == stat:
            unchanged += 1
            continue
        sha = file_sha256(package.path)
        if entry and entry.get("sha256") == sha:
            entry["stat"] = stat
            unchanged += 1
            continue
        if entry:
            entry.pop("sha256", None)  # pending: a crash from here on makes the next refresh redo it
            _write_state(state_path, state)
            db.remove_graph(ox.NamedNode(entry["graph"]))
        graph = graph_of(package.path)
        if any(other.get("graph") == graph for key, other in recorded.items() if key != name):
            conflicts.append(name)
            recorded.pop(name, None)
            _write_state(state_path, state)
            continue
        recorded[name] = {"graph": graph}  # pending until its batch is loaded
        batch.append((name, package, sha, stat))
    _write_state(state_path, state)

    chunk: list[tuple[str, Package, str, list[int]]] = []
    size = 0
    for at, item in enumerate(batch):
        chunk.append(item)
        size += item[1].path.stat().st_size
        if size < _BATCH_BYTES and at < len(batch) - 1:
            continue
        _load(db, [(package, recorded[name]["graph"]) for name, package, _sha, _stat in chunk])
        for name, _package, sha, stat in chunk:
            recorded[name] = {"graph": recorded[name]["graph"], "sha256": sha, "stat": stat}
            loaded.append(name)
        _write_state(state_path, state)
        chunk, size = [], 0
    if len(loaded) >= _COMPACT_FROM:
        db.optimize()

    files = vocabulary_files()
    digest = files_digest(files)
    vocabulary = False
    if state["vocabulary"].get("sha256") != digest:
        graph = ox.NamedNode(vocabulary_graph())
        state["vocabulary"] = {"graph": graph.value}
        _write_state(state_path, state)
        if db.contains_named_graph(graph):
            db.remove_graph(graph)
        db.bulk_load(input=vocabulary_ntriples(), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        state["vocabulary"] = {"graph": graph.value, "sha256": digest, "files": [p.name for p in files]}
        _write_state(state_path, state)
        vocabulary = True
    return Refresh(tuple(loaded), tuple(removed), unchanged, vocabulary, tuple(conflicts),
                   round(time.monotonic() - started, 3))


def _load(db: Any, packages: list[tuple[Package, str]]) -> None:
    """Bulk-load packages (each into its graph, replacing what a crash may have left there) in one go:
    one N-Quads stream built by naming the graph at the end of each line. A file that is not plain
    N-Triples ending every line in `` .`` (or that has blank nodes, whose labels one stream would
    share) is loaded on its own, as N-Triples."""
    import io
    import pyoxigraph as ox

    streamed: list[tuple[bytes, bytes]] = []
    for package, graph in packages:
        node = ox.NamedNode(graph)
        if db.contains_named_graph(node):  # left by an interrupted load
            db.remove_graph(node)
        data = package.path.read_bytes()
        if b"_:" in data or data.count(b" .\n") != data.count(b"\n") or not data.endswith(b"\n"):
            db.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=node)
        else:
            streamed.append((data, f" <{graph}> .\n".encode("utf-8")))
    if streamed:
        quads = b"".join(data.replace(b" .\n", ending) for data, ending in streamed)
        db.bulk_load(input=io.BytesIO(quads), format=ox.RdfFormat.N_QUADS)


def run(directory: str | Path, query: Query, params: Mapping[str, str] | None = None) -> Results:
    """Refresh the store of ``directory`` and run one query over it."""
    with open_store(directory) as opened:
        return opened.query(query, params)
