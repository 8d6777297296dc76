"""Sources to data packages: the release step behind ``opendata build``.

``build(sources, out, options)`` reads every source, checks it, renders its data package (CSV +
Table Schemas, RDF, report.json) and writes it to ``out/<package name>/``, then writes the DCAT
catalogue of the packages beside them (``catalog.ttl``, ``catalog.jsonld``). It is made to be run
from release scripts:

* **Deterministic.** The same sources, configuration and options give the same bytes. Dates come
  only from ``issued`` or ``SOURCE_DATE_EPOCH``; without them no date is written.
* **Atomic per package.** A package is written into a temporary folder inside ``out``, every file
  fsynced, then swapped with the old folder in one ``renameat2(RENAME_EXCHANGE)`` (or, where that
  is missing, two renames that the next build completes). A crash or SIGKILL at any point leaves
  the old folder or the new one, never a mix. Packages are written in batches (``_Batch``): the
  files of up to 16 packages are fsynced together, then renamed into place in source order.
* **Locked.** ``out/.opendata.lock`` (``fcntl.flock``) keeps two builds into one directory from
  interleaving; the second waits up to ``lock_timeout`` seconds and then stops with ``BuildLocked``.
* **Incremental.** A build key is made of the source name and SHA-256, the tool (version and a hash
  of its code and vocabulary), the configuration fingerprint and the options; after a package is
  written, ``out/.opendata-manifest/<key>.json`` records its folder and the sizes and modification
  times of its files. A source whose key has a record and whose folder is intact is skipped.
* **Parallel.** ``jobs > 1`` reads and renders in a process pool; the parent writes the results in
  source order, so the output does not depend on ``jobs``.
* **Checkable.** ``check=True`` builds in memory and lists the files of ``out`` that differ.

Only ``cli.py`` prints or exits; this module returns a ``BuildResult``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import gc
import hashlib
import json
import os
import shutil
import stat
import time
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from . import __version__
from .config import Config
from .errors import BuildLocked, ConfigError, Locator, UnreadableInput

SOURCE_SUFFIXES = (".txt", ".pdf", ".html", ".htm", ".xlsx")
LOCK_NAME = ".opendata.lock"
_SOURCE_PREFIX = "source-"
MANIFEST_DIR = ".opendata-manifest"  # one small record per build key: scales to any number of sources
CATALOG_FILES = ("catalog.jsonld", "catalog.ttl")
_TMP_PREFIX = ".tmp-"
_BATCH = 16  # packages written between two syncs of the file system
_OLD_PREFIX = ".old-"


# --- options and results ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What a build does besides reading the sources. ``issued`` is an ISO date or date-time."""

    config: Config = field(default_factory=Config)
    issued: str | None = None
    jobs: int = 1
    check: bool = False
    rdf: bool = True
    strict: bool = False
    incremental: bool = True
    prune: bool = False
    fsync: bool = True
    lock_timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class PackageResult:
    """What became of one source."""

    source: str
    status: str  # built | unchanged | checked (--check) | unreadable | conflict
    package: str | None = None
    errors: int = 0
    warnings: int = 0
    message: str | None = None


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The outcome of a build; ``differences`` lists the files that differ (check mode)."""

    out: Path
    check: bool
    packages: tuple[PackageResult, ...]
    differences: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()  # package folders in ``out`` that no source produced
    pruned: tuple[str, ...] = ()
    rdf: bool = True  # whether the RDF files were written

    @property
    def unreadable(self) -> tuple[PackageResult, ...]:
        return tuple(p for p in self.packages if p.status == "unreadable")

    @property
    def conflicts(self) -> tuple[PackageResult, ...]:
        return tuple(p for p in self.packages if p.status == "conflict")

    @property
    def has_errors(self) -> bool:
        """Error-level findings in any package (warnings count too when built with ``strict``)."""
        return any(p.errors for p in self.packages)

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for p in self.packages:
            result[p.status] = result.get(p.status, 0) + 1
        return dict(sorted(result.items()))

    def to_data(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "check": self.check,
            "counts": self.counts(),
            "packages": [asdict(p) for p in self.packages],
            "differences": list(self.differences),
            "stale": list(self.stale),
            "pruned": list(self.pruned),
            "rdf": self.rdf,
        }


# --- sources ------------------------------------------------------------------------------------


def expand_sources(sources: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Files to build: each source file, and every reader-supported file inside a directory.

    Hidden files and folders and anything under ``exclude`` (the output directory) are left out of
    directories. The result is sorted by path without duplicates, so the build order is always the same.
    """
    skip = [os.path.realpath(p) for p in exclude]

    def excluded(path: Path) -> bool:
        real = os.path.realpath(path)
        return any(real == s or real.startswith(s + os.sep) for s in skip)

    found: dict[str, Path] = {}
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for child in path.rglob("*"):
                relative = child.relative_to(path).parts
                if (
                    child.suffix.lower() in SOURCE_SUFFIXES
                    and not any(part.startswith(".") for part in relative)
                    and child.is_file()
                    and not excluded(child)
                ):
                    found.setdefault(os.path.realpath(child), child)
        elif path.exists():
            found.setdefault(os.path.realpath(path), path)
        else:
            raise UnreadableInput("no such file or directory", Locator(str(path)))
    return sorted(found.values(), key=str)


def issued_from(issued: str | None, environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """The ``issued`` date: the option, else ``SOURCE_DATE_EPOCH`` (UTC), else ``None`` (never the clock)."""
    if issued:
        for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ"):
            try:
                datetime.strptime(issued, fmt)
                return issued
            except ValueError:
                continue
        raise ConfigError(f"--issued must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got {issued!r}")
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}") from None
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


# --- one package (runs in a worker process) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Task:
    path: str
    options: BuildOptions
    out: str


@dataclass(frozen=True, slots=True)
class _Made:
    source: str
    status: str  # built | unchanged | unreadable
    key: str = ""
    package: str | None = None
    files: dict[str, bytes] | None = None
    entry: dict[str, Any] | None = None  # catalogue facts (and, for unchanged, the whole manifest entry)
    fragment: Any = None  # the package's part of the catalogue (emit.catalog.Fragment), for built packages
    errors: int = 0
    warnings: int = 0
    message: str | None = None


@cache
def tool_fingerprint() -> str:
    """SHA-256 of the tool's own code and vocabulary, so that any change to them rebuilds every package
    (a version number alone would miss changes made between releases)."""
    from .vocab import vocab_dir

    digest = hashlib.sha256(__version__.encode())
    roots = [Path(__file__).resolve().parent, vocab_dir()]
    for root in dict.fromkeys(roots):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _key(name: str, sha256: str, options: BuildOptions) -> str:
    parts = {
        "name": name,
        "sha256": sha256,
        "tool": tool_fingerprint(),
        "config": options.config.fingerprint(),
        "issued": options.issued,
        "rdf": options.rdf,
        "strict": options.strict,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _folder_stamp(folder: str | Path) -> list[int]:
    """Inode and modification time of a folder: both stay as they are until an entry is added,
    removed or renamed inside it (renaming the folder itself within its parent keeps them)."""
    status = os.stat(folder)
    return [status.st_ino, status.st_mtime_ns]


def _intact(folder: Path, files: dict[str, list[int]], stamp: list[int] | None = None) -> bool:
    """The folder holds exactly the recorded files, with the recorded sizes and modification times.

    With the folder's recorded ``stamp`` unchanged, its entries are known to be the recorded ones
    without listing it (the listing was most of the cost of an incremental build)."""
    base = str(folder)
    try:
        if stamp is None or _folder_stamp(base) != stamp:
            if {entry.name for entry in os.scandir(base)} != set(files):
                return False
        for name, (size, mtime_ns) in files.items():
            info = os.stat(f"{base}/{name}")
            if info.st_size != size or info.st_mtime_ns != mtime_ns:
                return False
    except OSError:
        return False
    return True


def render_package(disclosure: Any, options: BuildOptions) -> tuple[Any, dict[str, bytes], int, int]:
    """Check and render one disclosure: ``(disclosure, files, errors, warnings)``.

    ``files`` maps the file names of the package folder to their bytes.
    """
    from .check import validate
    from .emit.catalog import dataset_iri, licence_of, publisher_of
    from .emit.datapackage import render
    from .emit.rdf import render as render_rdf

    config = options.config
    report = validate(disclosure)
    errors, warnings = report.errors, report.warnings
    if options.strict and not errors:
        errors = warnings  # with --strict warnings count as errors (Report.has_errors(strict=True))
    extra = {"report.json": (json.dumps(report.to_data(), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()}
    if options.rdf:
        rdf = render_rdf(disclosure, base_iri=config.base_iri, findings=report.findings)
        extra.update({"data.ttl": rdf.turtle, "data.jsonld": rdf.jsonld, "data.nt": rdf.ntriples})
    files = render(
        disclosure,
        language=config.language,
        issued=options.issued,
        dataset_iri=dataset_iri(disclosure, config.base_iri),
        licence=licence_of(config),
        publisher=publisher_of(config),
        files=extra,
    )
    return disclosure, files, errors, warnings


def _read_source(path: Path) -> bytes:
    """The bytes of a source, bounded like ``read_path``: no devices, nothing over ``MAX_BYTES``."""
    from .read import MAX_BYTES

    status = path.stat()
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISFIFO(status.st_mode):
        raise UnreadableInput("not a regular file (a device, socket or directory)", Locator(path.name))
    if status.st_size > MAX_BYTES:
        raise UnreadableInput(f"file is {status.st_size} bytes, more than the limit of {MAX_BYTES}", Locator(path.name))
    with path.open("rb") as handle:  # bounded: a pipe has no size to check beforehand
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnreadableInput(f"more than the limit of {MAX_BYTES} bytes", Locator(path.name))
    return data


def _make(task: _Task) -> _Made:
    """Worker: one source to its package files, or ``unchanged`` when the manifest says so."""
    from .emit.catalog import entry_of, fragment

    path = Path(task.path)
    name = path.name
    try:
        data = _read_source(path)
    except UnreadableInput as error:
        return _Made(task.path, "unreadable", message=str(error))
    except OSError as error:
        return _Made(task.path, "unreadable", message=str(UnreadableInput(error.strerror or str(error), Locator(name))))
    key = _key(name, hashlib.sha256(data).hexdigest(), task.options)
    if task.options.incremental and not task.options.check:
        entry = read_record(Path(task.out), key)
        if entry is not None and _intact(Path(task.out) / entry["package"], entry["files"], entry.get("folder")):
            return _Made(task.path, "unchanged", key, entry["package"], entry=entry,
                         errors=entry.get("errors", 0), warnings=entry.get("warnings", 0))
    try:
        from .read import read_bytes
        from .recognise import recognise

        disclosure = recognise(read_bytes(data, name))
        disclosure, files, errors, warnings = render_package(disclosure, task.options)
    except UnreadableInput as error:
        return _Made(task.path, "unreadable", key, message=str(error))
    entry = entry_of(disclosure, task.options.config.base_iri, files)
    from .emit.html import package_page, page_facts

    # The landing page (not a DCAT distribution) and what the catalog page shows, kept in the manifest.
    files["index.html"] = package_page(disclosure, files, dataset_iri=entry["dataset"], config=task.options.config)
    entry["page"] = page_facts(disclosure, files)
    part = fragment(entry, task.options.config, task.options.issued)
    return _Made(task.path, "built", key, disclosure.slug, files, entry, part, errors, warnings)


# --- writing ------------------------------------------------------------------------------------


_RENAME_EXCHANGE = 2
_libc: Any = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            _libc.renameat2  # noqa: B018 - raises AttributeError when absent
        except (OSError, AttributeError):
            _libc = False
    if not _libc:
        return False
    at_fdcwd = -100
    result = _libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes, fsync: bool) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        if fsync:
            handle.flush()
            os.fsync(handle.fileno())


def _fsync_all(paths: Sequence[Path]) -> None:
    """``fsync`` each of ``paths`` (files or folders), several at a time: an ``fsync`` waits for the
    disk and releases the GIL, so issuing them together lets the disk take them as one batch instead
    of paying its latency once per file (on a virtual disk, milliseconds each)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    if len(paths) <= 1:
        for path in paths:
            one(path)
        return
    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        list(pool.map(one, paths))  # list(): re-raises the first error


class _Batch:
    """Writes staged into temporary names, made durable together, then renamed into place in order.

    A package folder is written as ``.tmp-<pid>-<package>/`` and a file as ``.tmp-<pid>-<name>`` beside
    its target; ``commit`` syncs them all at once (``_fsync_all``), then swaps each package
    folder in (``renameat2(RENAME_EXCHANGE)``, or two renames that ``recover`` completes) and renames
    each file over its target, in the order staged — a package's folder before its manifest record, so
    a record never names a folder that is not there — and finally syncs the renames. A crash at any
    point leaves every package and file whole, old or new.
    """

    def __init__(self, out: Path, fsync: bool) -> None:
        self.out = out
        self.fsync = fsync
        self.staged: list[tuple[Path, Path, bool]] = []  # (temporary, target, is a package folder)
        self.written: list[Path] = []
        self.packages = 0

    def stage_package(self, package: str, files: dict[str, bytes]) -> tuple[dict[str, list[int]], list[int]]:
        """Write ``files`` into the temporary folder of ``package``; ``{name: [size, mtime_ns]}`` and
        the folder's ``_folder_stamp`` (a rename keeps them all)."""
        tmp = self.out / f"{_TMP_PREFIX}{os.getpid()}-{package}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        meta: dict[str, list[int]] = {}
        for name in sorted(files):
            path = tmp / name
            _write_file(path, files[name], fsync=False)
            status = os.stat(path)
            meta[name] = [status.st_size, status.st_mtime_ns]
            self.written.append(path)
        self.written.append(tmp)
        self.staged.append((tmp, self.out / package, True))
        self.packages += 1
        return meta, _folder_stamp(tmp)

    def stage_file(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(f"{_TMP_PREFIX}{os.getpid()}-{path.name}")
        _write_file(tmp, data, fsync=False)
        self.written.append(tmp)
        self.staged.append((tmp, path, False))

    def commit(self) -> None:
        if not self.staged:
            return
        if self.fsync:
            _fsync_all(self.written)
        folders = {self.out}
        for tmp, target, is_package in self.staged:
            folders.add(target.parent)
            if not is_package:
                os.replace(tmp, target)
            elif not target.exists():
                os.rename(tmp, target)
            elif _exchange(tmp, target):
                shutil.rmtree(tmp)  # now the old version
            else:  # two renames; recover() completes them after a crash in between
                old = self.out / f"{_OLD_PREFIX}{target.name}"
                if old.exists():
                    shutil.rmtree(old)
                os.rename(target, old)
                os.rename(tmp, target)
                shutil.rmtree(old)
        if self.fsync:
            _fsync_all(sorted(folders))
        self.staged.clear()
        self.written.clear()
        self.packages = 0


def write_package(out: Path, package: str, files: dict[str, bytes], fsync: bool = True) -> dict[str, list[int]]:
    """Replace ``out/package`` with ``files`` atomically; returns ``{name: [size, mtime_ns]}``."""
    batch = _Batch(out, fsync)
    meta, _ = batch.stage_package(package, files)
    batch.commit()
    return meta


def write_file_atomic(path: Path, data: bytes, fsync: bool = True) -> None:
    """Replace one file atomically (temporary file beside it, then ``os.replace``)."""
    tmp = path.with_name(f"{_TMP_PREFIX}{os.getpid()}-{path.name}")
    _write_file(tmp, data, fsync)
    os.replace(tmp, path)
    if fsync:
        _fsync_dir(path.parent)


def recover(out: Path) -> None:
    """Finish or undo what a killed build left: temporary folders go, a moved-away old folder returns."""
    if not out.is_dir():
        return
    records = out / MANIFEST_DIR
    if records.is_dir():
        for entry in os.scandir(records):
            if entry.name.startswith(_TMP_PREFIX):
                os.unlink(entry.path)
    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        if entry.name.startswith(_TMP_PREFIX):
            path = Path(entry.path)
            shutil.rmtree(path) if entry.is_dir(follow_symlinks=False) else path.unlink()
        elif entry.name.startswith(_OLD_PREFIX) and entry.is_dir(follow_symlinks=False):
            target = out / entry.name[len(_OLD_PREFIX):]
            if target.exists():
                shutil.rmtree(entry.path)
            else:
                os.rename(entry.path, target)


class _Lock:
    """An exclusive ``flock`` on ``out/.opendata.lock``, waited for up to ``timeout`` seconds."""

    def __init__(self, out: Path, timeout: float, shared: bool = False) -> None:
        self.path = out / LOCK_NAME
        self.timeout = timeout
        self.mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        self.fd: int | None = None

    def __enter__(self) -> "_Lock":
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, self.mode | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    self.fd = None
                    raise BuildLocked(
                        f"another build holds {self.path} (waited {self.timeout:g} s); "
                        "try again when it has finished, or raise --lock-timeout"
                    ) from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# --- the manifest -------------------------------------------------------------------------------


def read_record(out: Path, key: str) -> dict[str, Any] | None:
    """The manifest record of a build key, or ``None`` (absent or unreadable: the package is rebuilt)."""
    try:
        data = json.loads((out / MANIFEST_DIR / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("files"), dict):
        return None
    return data


_FRAGMENT_SUFFIXES = (".catalog.ttl", ".catalog.jsonld")


def _stage_record(batch: _Batch, entry: dict[str, Any], fragment: Any, source: str) -> None:
    """The record of a built package, its catalogue fragment and the pointer from its source, staged
    after the package folder: the record is what makes a build key count as done."""
    folder = batch.out / MANIFEST_DIR
    folder.mkdir(exist_ok=True)
    key = entry["key"]
    batch.stage_file(folder / f"{key}.catalog.ttl", fragment.turtle.encode("utf-8"))
    batch.stage_file(folder / f"{key}.catalog.jsonld", fragment.jsonld.encode("utf-8"))
    entry["fragment"] = _fragment_digest(fragment)
    batch.stage_file(folder / f"{key}.json", (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode())
    batch.stage_file(_pointer(batch.out, source), (json.dumps({"key": key}) + "\n").encode())


def _write_fragment(out: Path, key: str, fragment: Any, fsync: bool) -> None:
    folder = out / MANIFEST_DIR
    folder.mkdir(exist_ok=True)
    write_file_atomic(folder / f"{key}.catalog.ttl", fragment.turtle.encode("utf-8"), fsync)
    write_file_atomic(folder / f"{key}.catalog.jsonld", fragment.jsonld.encode("utf-8"), fsync)


def _fragment_digest(fragment: Any) -> str:
    return hashlib.sha256(f"{fragment.turtle}\0{fragment.jsonld}".encode("utf-8")).hexdigest()


def _read_fragment(out: Path, entry: dict[str, Any]) -> Any:
    """The catalogue fragment kept beside a record, or ``None`` when it is missing, unreadable or not
    the one the record was written with."""
    from .emit.catalog import Fragment

    folder = out / MANIFEST_DIR
    try:
        turtle, jsonld = (
            (folder / f"{entry['key']}{suffix}").read_bytes().decode("utf-8") for suffix in _FRAGMENT_SUFFIXES
        )
    except (OSError, UnicodeDecodeError):
        return None
    part = Fragment(turtle=turtle, jsonld=jsonld)
    return part if entry.get("fragment") == _fragment_digest(part) else None


def _pointer(out: Path, source: str) -> Path:
    """Where the key of the last good build of a source path is kept (to keep its package when the
    source later turns unreadable)."""
    name = hashlib.sha256(os.fsencode(os.path.realpath(source))).hexdigest()
    return out / MANIFEST_DIR / f"{_SOURCE_PREFIX}{name}.json"


def _last_good(out: Path, source: str) -> dict[str, Any] | None:
    """The record of the package last built from ``source``, when its folder is still there."""
    try:
        key = json.loads(_pointer(out, source).read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    record = read_record(out, str(key))
    if record is None or not (out / record["package"]).is_dir():
        return None
    return record


def _prune_records(out: Path, keep: set[str]) -> None:
    folder = out / MANIFEST_DIR
    if folder.is_dir():
        for entry in os.scandir(folder):
            if entry.name.startswith(_SOURCE_PREFIX):
                try:
                    key = json.loads(Path(entry.path).read_text(encoding="utf-8"))["key"]
                except (OSError, ValueError, KeyError, TypeError):
                    key = None
                if key not in keep:
                    os.unlink(entry.path)
            elif (entry.name.endswith((".json", *_FRAGMENT_SUFFIXES)) and entry.name != _CATALOG_RECORD
                  and entry.name.split(".", 1)[0] not in keep):
                os.unlink(entry.path)


# --- the build ----------------------------------------------------------------------------------


_YOUNG_THRESHOLD = 100_000


@contextmanager
def _collect_less() -> Iterator[None]:
    """Run the cyclic garbage collector's young generation every 100,000 allocations instead of 700.

    Reading one source allocates millions of small containers that stay alive until its package is
    written; collecting every 700 allocations scans them again and again, ~20 % of the build's CPU
    (130 -> 104 ms per synthetic disclosure). Cycles are still collected. The old thresholds come back
    afterwards: a library must not leave the interpreter changed."""
    old = gc.get_threshold()
    gc.set_threshold(_YOUNG_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _worker_init(parent: int, lock_fd: int | None) -> None:
    """Drop the inherited lock descriptor; ask Linux to SIGKILL this worker when the build dies."""
    if lock_fd is not None:
        try:
            os.close(lock_fd)  # the parent's own descriptor keeps the lock
        except OSError:
            pass
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):  # not Linux: the build still finishes, only a kill may leave workers
        pass
    if os.getppid() != parent:
        os._exit(1)
    gc.freeze()  # what the worker inherited from the parent lives as long as it does: never scan it
    gc.set_threshold(_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def _results(tasks: Sequence[_Task], jobs: int, lock_fd: int | None = None) -> Iterator[_Made]:
    """The made packages in task order, from ``jobs`` processes with a bounded look-ahead."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield _make(task)
        return
    import multiprocessing

    # Forked workers close their copy of the lock descriptor and die with the build
    # (PR_SET_PDEATHSIG), so a killed build leaves no process running on or holding DIR. (Fork, not
    # spawn: spawn re-imports the caller's main module, which breaks scripts without a main guard.)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init,
                             initargs=(os.getpid(), lock_fd)) as pool:
        pending: deque[Future[_Made]] = deque()
        iterator = iter(tasks)
        for task in iterator:
            pending.append(pool.submit(_make, task))
            if len(pending) >= jobs * 4:
                break
        while pending:
            made = pending.popleft().result()
            for task in iterator:
                pending.append(pool.submit(_make, task))
                break
            yield made


def _package_folders(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {e.name for e in os.scandir(out) if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")}


def _compare_folder(out: Path, package: str, files: dict[str, bytes]) -> list[str]:
    folder = out / package
    differences = []
    present = {e.name for e in os.scandir(folder)} if folder.is_dir() else set()
    for name in sorted(set(files) | present):
        relative = f"{package}/{name}"
        if name not in files:
            differences.append(f"{relative} (not produced by this build)")
        elif name not in present:
            differences.append(f"{relative} (missing)")
        elif (folder / name).read_bytes() != files[name]:
            differences.append(f"{relative} (differs)")
    return differences


_LISTED_KEYS = ("key", "package", "fragment", "dataset", "department_iri", "department", "year", "division_iri",
                "division_name", "division_code")


def _listed(record: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """What the build keeps of a package until the catalogue is written: the facts of the catalogue's
    shared nodes and the entry of the catalogue page, not the whole record (memory stays flat)."""
    from .emit.html import entry_from_data

    return {k: record.get(k) for k in _LISTED_KEYS}, entry_from_data(record)


_CATALOG_RECORD = "catalog.json"


def _catalog_stamp(entries: list[dict[str, Any]], options: BuildOptions) -> str:
    """What the catalogue files and page are made of: the tool, configuration and date, and each
    package's build key (which covers its source, options and so every fact the catalogue shows)."""
    parts = {
        "tool": tool_fingerprint(),
        "config": options.config.fingerprint(),
        "issued": options.issued,
        "packages": [[e["package"], e["key"], e.get("fragment")] for e in entries],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _catalog_current(out: Path, stamp: str) -> bool:
    """The catalogue files and page were written from ``stamp`` and are as they were then."""
    try:
        record = json.loads((out / MANIFEST_DIR / _CATALOG_RECORD).read_text(encoding="utf-8"))
        if record.get("stamp") != stamp:
            return False
        for name, (size, mtime_ns) in record["files"].items():
            info = os.stat(out / name)
            if info.st_size != size or info.st_mtime_ns != mtime_ns:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


def _record_catalog(out: Path, stamp: str, fsync: bool) -> None:
    files = {}
    for name in (*CATALOG_FILES, "index.html"):
        info = os.stat(out / name)
        files[name] = [info.st_size, info.st_mtime_ns]
    (out / MANIFEST_DIR).mkdir(exist_ok=True)
    body = (json.dumps({"stamp": stamp, "files": files}, sort_keys=True) + "\n").encode()
    write_file_atomic(out / MANIFEST_DIR / _CATALOG_RECORD, body, fsync)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (compared in blocks, not read whole)."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as x, b.open("rb") as y:
            while True:
                block = x.read(1 << 20)
                if block != y.read(1 << 20):
                    return False
                if not block:
                    return True
    except OSError:
        return False


def _write_streamed(paths: Sequence[Path], fsync: bool, write: Callable[[list[Any]], None]) -> None:
    """Write files through ``write(handles)`` into temporary files beside them, then replace them; a file
    whose bytes did not change is left alone (its modification time too)."""
    tmp = [path.with_name(f"{_TMP_PREFIX}{os.getpid()}-{path.name}") for path in paths]
    try:
        with contextlib.ExitStack() as stack:
            handles = [stack.enter_context(path.open("wb")) for path in tmp]
            write(handles)
            if fsync:
                for handle in handles:
                    handle.flush()
                    os.fsync(handle.fileno())
        changed = False
        for new, path in zip(tmp, paths):
            if _same_file(new, path):
                new.unlink()
            else:
                os.replace(new, path)
                changed = True
        if fsync and changed:
            _fsync_all(sorted({path.parent for path in paths}))
    finally:
        for path in tmp:
            if path.exists():
                path.unlink()


def build(
    sources: Iterable[str | Path],
    out: str | Path,
    options: BuildOptions | None = None,
    progress: Callable[[PackageResult], None] | None = None,
) -> BuildResult:
    """Build the packages of ``sources`` into ``out`` (or, with ``options.check``, compare with it).

    Raises ``UnreadableInput`` for a source path that does not exist, ``BuildLocked`` when another
    build holds ``out`` longer than ``options.lock_timeout``, ``ConfigError`` for a bad option.
    """
    with _collect_less():
        return _build(sources, out, options, progress)


def _build(
    sources: Iterable[str | Path],
    out: str | Path,
    options: BuildOptions | None,
    progress: Callable[[PackageResult], None] | None,
) -> BuildResult:
    from .emit.catalog import fragment as render_fragment
    from .emit.catalog import render_catalog, write_catalog

    options = options or BuildOptions()
    options = replace(options, issued=issued_from(options.issued))
    out = Path(out)
    paths = expand_sources(sources, exclude=[out])
    checking = options.check
    if not checking:
        out.mkdir(parents=True, exist_ok=True)
    lock = _Lock(out, options.lock_timeout, shared=checking) if out.is_dir() else None
    if lock:
        lock.__enter__()
    try:
        if not checking:
            recover(out)
        tasks = [_Task(str(p), options, str(out)) for p in paths]
        tool_fingerprint()  # once, before the workers fork: each would otherwise hash the tool again
        results: list[PackageResult] = []
        entries: dict[str, dict[str, Any]] = {}
        fragments: dict[str, Any] = {}  # check mode only: nothing is written, so they stay in memory
        pages: dict[str, Any] = {}  # package -> emit.html.PackageEntry, for the catalogue page
        batch = _Batch(out, options.fsync)
        reported: list[PackageResult] = []

        def report() -> None:
            for result in reported:
                results.append(result)
                if progress:
                    progress(result)
            reported.clear()

        differences: list[str] = []
        produced: dict[str, str] = {}
        for made in _results(tasks, options.jobs, lock.fd if lock else None):
            if made.status == "unreadable":
                # the package last built from this source stays published, folder and catalogue entry
                kept = _last_good(out, made.source)
                if kept is not None and kept["package"] not in produced:
                    produced[kept["package"]] = made.source
                    entries[kept["package"]], pages[kept["package"]] = _listed(kept)
                result = PackageResult(made.source, "unreadable", kept["package"] if kept else None,
                                       message=made.message)
            elif made.package in produced:
                result = PackageResult(
                    made.source, "conflict", made.package,
                    message=f"{produced[made.package]} gives the same package name; this source was not written",
                )
            else:
                package = made.package
                assert package is not None
                produced[package] = made.source
                if made.status == "unchanged":
                    assert made.entry is not None
                    entries[package], pages[package] = _listed(made.entry)
                else:
                    assert made.files is not None and made.entry is not None
                    if checking:
                        differences += _compare_folder(out, package, made.files)
                        files_meta: dict[str, list[int]] = {}
                        folder_stamp: list[int] | None = None
                    else:
                        files_meta, folder_stamp = batch.stage_package(package, made.files)
                    record = {
                        **made.entry, "key": made.key, "package": package, "source": Path(made.source).name,
                        "files": files_meta, "folder": folder_stamp, "errors": made.errors, "warnings": made.warnings,
                    }
                    if checking:
                        fragments[package] = made.fragment
                    else:  # recorded only once the folder is in place
                        _stage_record(batch, record, made.fragment, made.source)
                    entries[package], pages[package] = _listed(record)
                status = "checked" if checking else made.status
                result = PackageResult(made.source, status, package, made.errors, made.warnings)
            reported.append(result)
            if batch.packages >= _BATCH or not batch.staged:
                batch.commit()  # reported only once durable and in place
                report()
        batch.commit()
        report()

        def fragment_of(entry: dict[str, Any]) -> Any:
            part = fragments.get(entry["package"]) or _read_fragment(out, entry)
            if part is None:  # lost or damaged: render it again from the record, and keep it
                record = read_record(out, entry["key"])
                if record is None:
                    raise UnreadableInput("the manifest record of this package is gone or damaged; build again",
                                          Locator(str(out / MANIFEST_DIR / f"{entry['key']}.json")))
                part = render_fragment(record, options.config, options.issued)
                if not checking:
                    _write_fragment(out, entry["key"], part, options.fsync)
            return part

        from .emit.html import catalog_page, write_catalog_page_of

        ordered = [entries[p] for p in sorted(entries)]
        stale = sorted(_package_folders(out) - set(produced))
        pruned: list[str] = []
        if checking:
            catalog = render_catalog(ordered, options.config, options.issued, fragment_of)
            catalog["index.html"] = catalog_page([pages[p] for p in sorted(pages)], options.config)
            for name, data in sorted(catalog.items()):
                path = out / name
                if not path.is_file():
                    differences.append(f"{name} (missing)")
                elif path.read_bytes() != data:
                    differences.append(f"{name} (differs)")
            differences += [f"{name}/ (not produced by this build)" for name in stale]
        else:
            catalog_stamp = _catalog_stamp(ordered, options)
            if not _catalog_current(out, catalog_stamp):  # else the same packages as last time: nothing to write
                _write_streamed([out / "catalog.ttl", out / "catalog.jsonld"], options.fsync,
                                lambda files: write_catalog(ordered, fragment_of, options.config, options.issued,
                                                            ttl=files[0], jsonld_out=files[1]))
                _write_streamed([out / "index.html"], options.fsync,
                                lambda files: write_catalog_page_of(files[0], [pages[p] for p in sorted(pages)],
                                                                    options.config))
                _record_catalog(out, catalog_stamp, options.fsync)
            if options.prune:
                for name in stale:
                    shutil.rmtree(out / name)
                _prune_records(out, {entry["key"] for entry in entries.values()})
                pruned, stale = stale, []
        return BuildResult(
            out=out,
            check=checking,
            packages=tuple(results),
            differences=tuple(differences),
            stale=tuple(stale),
            pruned=tuple(pruned),
            rdf=options.rdf,
        )
    finally:
        if lock:
            lock.__exit__()
