"""The benchmark: one command that measures opendata at scale on this machine and writes the
results into BENCHMARKS.md.

    python benchmarks/run.py --full     # the manual run (about 15 minutes on 2 cores); writes BENCHMARKS.md
    python benchmarks/run.py --smoke    # N = 10, one run, into a temporary folder; never writes BENCHMARKS.md

What is measured (medians of several runs; every build in a fresh process):

* ``opendata build`` end to end (read, check, CSV + Table Schema, RDF, report, catalog) on the
  synthetic corpus of ``benchmarks/synth.py`` for N = 10, 100, 1,000 (10,000 when the estimate fits
  the time budget) with ``-j 1`` and ``-j 2``: disclosures/s, triples/s and peak memory. Peak memory
  is ``ru_maxrss`` of the process tree (``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process: the
  largest single process) and the sampled peak of the summed RSS of the whole tree (/proc, 20 Hz);
* the baseline a user would otherwise write: our parser, an rdflib ``Graph`` filled triple by
  triple and serialised to Turtle and JSON-LD, then ``frictionless validate`` of each package;
* the raw floor (the same triples written as N-Triples text with no library) against our RDF
  emission;
* an incremental rebuild of 1,000 disclosures after one source changed;
* ``opendata query`` latency per ready-made query against rdflib's SPARQL on the same data, and
  publishing into a real oxigraph server (when those exist);
* PDF reading in pages/s on the real PDFs of ../shared/corpus.

A measurement whose component does not exist yet is reported as "not yet measured" with the
reason, never guessed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "corpus"
BENCHMARKS_MD = REPO / "BENCHMARKS.md"
START, END = "<!-- benchmark-results:start -->", "<!-- benchmark-results:end -->"
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (benchmarks/ is not a package)

PYTHON = sys.executable
EPOCH = "1735689600"  # 2025-01-01, so that builds are deterministic (SOURCE_DATE_EPOCH)

# Targets of issue 8 (2 cores, median).
TARGET_RATE = 50.0  # disclosures/s with -j 2
TARGET_BASELINE = 10.0  # × the baseline pipeline
TARGET_EMISSION = 3.0  # × the raw N-Triples floor, at most
TARGET_MEMORY_MB = 500.0
TARGET_INCREMENTAL_S = 2.0
TARGET_QUERY_S = 1.0
TARGET_QUERY_RATIO = 20.0
TARGET_PDF_PAGES = 20.0  # pages/s per core


# --------------------------------------------------------------------------------------------
# Measuring a child process: wall time, ru_maxrss of the tree, sampled summed RSS of the tree.

_WRAPPER = textwrap.dedent(
    r"""
    import json, os, resource, subprocess, sys, time
    cmd = json.loads(sys.argv[1]); log = sys.argv[2]; limit = float(sys.argv[3]) if len(sys.argv) > 3 else 0
    page = os.sysconf("SC_PAGE_SIZE")

    def tree_rss(root):
        children = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(name))
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            try:
                with open(f"/proc/{pid}/statm") as handle:
                    total += int(handle.read().split()[1]) * page
            except OSError:
                pass
            todo.extend(children.get(pid, ()))
        return total

    with open(log, "wb") as out:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        peak, killed = 0, False
        while child.poll() is None:
            peak = max(peak, tree_rss(child.pid))
            if limit and time.perf_counter() - start > limit:
                child.kill(); child.wait(); killed = True
                break
            time.sleep(0.05)
        wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "returncode": child.returncode, "maxrss_kb": usage.ru_maxrss,
                      "tree_peak_bytes": peak, "cpu": usage.ru_utime + usage.ru_stime, "killed": killed}))
    """
)


@dataclass(frozen=True)
class Run:
    wall: float
    returncode: int
    maxrss_mb: float
    tree_peak_mb: float
    cpu: float
    log: str
    killed: bool = False


def measure(cmd: list[str], log: Path, env: dict[str, str] | None = None, timeout: float = 0) -> Run:
    """Run ``cmd`` under a fresh wrapper process and return what it cost (killed after ``timeout`` s)."""
    proc = subprocess.run(
        [PYTHON, "-c", _WRAPPER, json.dumps(cmd), str(log), str(timeout)],
        capture_output=True, text=True, env=env or _env(), check=True,
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(
        wall=data["wall"], returncode=data["returncode"], maxrss_mb=data["maxrss_kb"] / 1024,
        tree_peak_mb=data["tree_peak_bytes"] / 2**20, cpu=data["cpu"],
        log=log.read_text(encoding="utf-8", errors="replace"), killed=data.get("killed", False),
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = EPOCH
    env.setdefault("PYTHONHASHSEED", "0")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


# --------------------------------------------------------------------------------------------
# What exists (the measured components are built in parallel by other issues).


def has_command(name: str) -> str | None:
    """None when ``opendata NAME`` exists, else the reason it cannot be measured."""
    proc = subprocess.run([PYTHON, "-m", "opendata", name, "--help"], capture_output=True, text=True, env=_env())
    return None if proc.returncode == 0 else f"`opendata {name}` not built"


def has_module(name: str, attribute: str | None = None) -> str | None:
    try:
        module = importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 - any failure means "not there yet"
        return f"{name} not importable ({type(error).__name__}: {error})"
    if attribute and not hasattr(module, attribute):
        return f"{name}.{attribute} not built"
    return None


# --------------------------------------------------------------------------------------------
# Results.


@dataclass
class Results:
    mode: str
    command: str
    started: str
    machine: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    load_end: str = ""

    def add(self, **row: Any) -> None:
        self.rows.append(row)
        value = row.get("value")
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"  {row['what']}: {shown} {row.get('unit', '')}  {row.get('detail', '')}", file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    import opendata

    try:
        load = "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = ""
    return {
        "load": load,
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "opendata": f"{opendata.__version__} (commit {commit})" if commit else opendata.__version__,
    }


def median(values: list[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------------------------
# 1. opendata build, end to end.


def build_command(sources: list[Path], out: Path, jobs: int) -> list[str]:
    return [PYTHON, "-m", "opendata", "build", *map(str, sources), "--out", str(out), "-j", str(jobs), "-q", "--json"]


def _as_sources(work: Path, corpus: list[Path]) -> list[Path]:
    """The sources as command-line arguments; past 1,000 files, one folder of links to them (10,000 paths
    are more than one argument may hold)."""
    if len(corpus) <= 1000:
        return corpus
    folder = work / f"sources-{len(corpus)}"
    if not folder.is_dir():
        folder.mkdir()
        for path in corpus:
            (folder / path.name).symlink_to(path.resolve())
    return [folder]


def count_triples(out: Path) -> int:
    """Triples written by a build: the lines of every data.nt (one triple per line)."""
    total = 0
    for path in out.glob("*/data.nt"):
        with open(path, "rb") as handle:
            total += sum(1 for line in handle if line.strip())
    return total


def bench_build(results: Results, work: Path, corpus: list[Path], sizes: list[int], runs: dict[tuple[int, int], int],
                deadline: float, jobs_list: tuple[int, ...] = (1, 2)) -> dict[tuple[int, int], float]:
    """Throughput and memory of ``opendata build``; returns the median wall time per (N, jobs)."""
    reason = has_command("build")
    walls: dict[tuple[int, int], float] = {}
    if reason:
        for n in sizes:
            for jobs in jobs_list:
                results.add(what=f"build N={n} -j {jobs}", value=f"not yet measured: {reason}", n=n, jobs=jobs,
                            kind="build")
        return walls
    for n in sizes:
        for jobs in jobs_list:
            if time.monotonic() > deadline:
                results.skipped.append(f"build N={n} -j {jobs}: time budget spent")
                continue
            measured: list[Run] = []
            triples = 0
            for attempt in range(runs.get((n, jobs), 1)):
                out = work / f"build-{n}-j{jobs}-{attempt}"
                shutil.rmtree(out, ignore_errors=True)
                run = measure(build_command(_as_sources(work, corpus[:n]), out, jobs), work / f"build-{n}-j{jobs}-{attempt}.log")
                if run.returncode not in (0, 1):
                    results.add(what=f"build N={n} -j {jobs}", value=f"failed (exit {run.returncode})", n=n, jobs=jobs,
                                kind="build", detail=run.log[-2000:])
                    break
                measured.append(run)
                triples = count_triples(out)
                # keep the last tree (baseline, incremental, query and publish use it), drop the others
                keep = work / f"kept-build-{n}-j{jobs}"
                shutil.rmtree(keep, ignore_errors=True)
                out.rename(keep)
            if not measured:
                continue
            wall = median([r.wall for r in measured])
            walls[(n, jobs)] = wall
            results.add(
                what=f"build N={n} -j {jobs}", kind="build", n=n, jobs=jobs, runs=len(measured),
                value=n / wall, unit="disclosures/s", wall=wall, triples=triples, triples_per_s=triples / wall,
                maxrss_mb=max(r.maxrss_mb for r in measured), tree_peak_mb=max(r.tree_peak_mb for r in measured),
                cpu=median([r.cpu for r in measured]), exit=measured[-1].returncode,
                detail=f"{wall:.2f} s, {triples} triples, max RSS {max(r.maxrss_mb for r in measured):.0f} MB",
            )
    return walls


# --------------------------------------------------------------------------------------------
# 2. The baseline pipeline a user would otherwise write.

_BASELINE = textwrap.dedent(
    r"""
    import json, sys, time
    from pathlib import Path
    sources = [Path(p) for p in json.loads(sys.argv[1])]
    packages = [Path(p) for p in json.loads(sys.argv[2])]
    out = Path(sys.argv[3]); out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    import opendata, rdflib
    from rdflib import Graph, Literal, URIRef
    from opendata.emit import rdf
    from opendata.emit.serialise import Lit
    phases = {"parse": 0.0, "triples": 0.0, "graph": 0.0, "turtle": 0.0, "jsonld": 0.0, "validate": 0.0}
    count = 0
    for index, source in enumerate(sources):
        t = time.perf_counter(); d = opendata.load(source); phases["parse"] += time.perf_counter() - t
        # the user's own mapping from the model to triples; ours stands in for it (same triples)
        t = time.perf_counter(); triples = rdf.triples(d); phases["triples"] += time.perf_counter() - t
        t = time.perf_counter()
        g = Graph()
        for s, p, o in triples:
            if isinstance(o, Lit):
                obj = Literal(o.lex, lang=o.lang) if o.lang else Literal(o.lex, datatype=URIRef(o.datatype) if o.datatype else None)
            else:
                obj = URIRef(o)
            g.add((URIRef(s), URIRef(p), obj))
        count += len(g)
        phases["graph"] += time.perf_counter() - t
        t = time.perf_counter(); (out / f"{index}.ttl").write_bytes(g.serialize(format="turtle", encoding="utf-8")); phases["turtle"] += time.perf_counter() - t
        t = time.perf_counter(); (out / f"{index}.jsonld").write_bytes(g.serialize(format="json-ld", encoding="utf-8")); phases["jsonld"] += time.perf_counter() - t
    from frictionless import validate
    valid = 0
    t = time.perf_counter()
    for package in packages:
        report = validate(str(package / "datapackage.json"))
        valid += bool(report.valid)
    phases["validate"] += time.perf_counter() - t
    print(json.dumps({"seconds": time.perf_counter() - start, "phases": phases, "triples": count,
                      "valid": valid, "packages": len(packages)}))
    """
)


def bench_baseline(results: Results, work: Path, corpus: list[Path], n: int, ours: dict[tuple[int, int], float]) -> None:
    reason = has_module("opendata.emit.rdf", "triples") or has_command("build")
    if reason:
        results.add(what=f"baseline pipeline N={n}", kind="baseline", value=f"not yet measured: {reason}")
        return
    packages_dir = work / f"kept-build-{n}-j1"
    if not packages_dir.is_dir():
        packages_dir = work / f"baseline-packages-{n}"
        shutil.rmtree(packages_dir, ignore_errors=True)
        subprocess.run(build_command(corpus[:n], packages_dir, 2), env=_env(), capture_output=True)
    packages = sorted(p.parent for p in packages_dir.glob("*/datapackage.json"))
    log = work / f"baseline-{n}.log"
    proc = subprocess.run(
        [PYTHON, "-c", _WRAPPER,
         json.dumps([PYTHON, "-c", _BASELINE, json.dumps([str(p) for p in corpus[:n]]),
                     json.dumps([str(p) for p in packages]), str(work / f"baseline-out-{n}")]), str(log)],
        capture_output=True, text=True, env=_env(), check=True,
    )
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    text = log.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        results.add(what=f"baseline pipeline N={n}", kind="baseline", value="failed", detail=text[-2000:])
        return
    wall = run["wall"]
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in data["phases"].items())
    results.add(
        what=f"baseline pipeline N={n}", kind="baseline", n=n, value=n / wall, unit="disclosures/s", wall=wall,
        maxrss_mb=run["maxrss_kb"] / 1024, triples=data["triples"], phases=data["phases"],
        detail=f"{wall:.1f} s ({phases}); {data['valid']}/{data['packages']} packages valid",
    )
    for jobs in (1, 2):
        if (n, jobs) in ours:
            results.add(what=f"opendata build -j {jobs} vs baseline, N={n} (same sources)", kind="ratio", n=n, jobs=jobs,
                        value=wall / ours[(n, jobs)], unit="× faster", target=TARGET_BASELINE)
    # the baseline costs the same per disclosure at any N (no start-up to amortise): compare per-disclosure
    # rates with our largest N too, where our process start-up is amortised
    largest = max((size for size, jobs in ours if jobs == 2 and size > n), default=None)
    if largest is not None:
        results.add(what=f"opendata build -j 2 at N={largest:,} vs baseline (per-disclosure rates)", kind="ratio",
                    n=largest, jobs=2, value=(largest / ours[(largest, 2)]) / (n / wall), unit="× faster",
                    target=TARGET_BASELINE)


# --------------------------------------------------------------------------------------------
# 3. RDF emission against the raw N-Triples floor (in process, models loaded beforehand).


def _nt_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))


def raw_ntriples(triples: list[tuple[str, str, Any]]) -> bytes:
    """The floor: N-Triples text written by hand from (s, p, o) tuples, no library."""
    lines = []
    for s, p, o in triples:
        if isinstance(o, str):
            obj = f"<{o}>"
        elif o.lang:
            obj = f'"{_nt_escape(o.lex)}"@{o.lang}'
        elif o.datatype:
            obj = f'"{_nt_escape(o.lex)}"^^<{o.datatype}>'
        else:
            obj = f'"{_nt_escape(o.lex)}"'
        lines.append(f"<{s}> <{p}> {obj} .\n")
    return "".join(lines).encode("utf-8")


def bench_emission(results: Results, work: Path, corpus: list[Path], n: int, runs: int) -> None:
    reason = has_module("opendata.emit.rdf", "render")
    if reason:
        results.add(what=f"RDF emission vs raw floor N={n}", kind="emission", value=f"not yet measured: {reason}")
        return
    import opendata
    from opendata.emit import rdf

    models = [opendata.load(path) for path in corpus[:n]]
    triples = [list(dict.fromkeys(rdf.triples(d))) for d in models]  # the unique triples, as written
    total = sum(len(t) for t in triples)
    out = work / "emission"
    out.mkdir(exist_ok=True)

    def floor() -> None:
        for index, ts in enumerate(triples):
            (out / f"{index}.raw.nt").write_bytes(raw_ntriples(ts))

    def ours_all() -> None:
        for index, d in enumerate(models):
            files = rdf.render(d)
            (out / f"{index}.ttl").write_bytes(files.turtle)
            (out / f"{index}.jsonld").write_bytes(files.jsonld)
            (out / f"{index}.nt").write_bytes(files.ntriples)

    def ours_nt() -> None:
        # what the build writes as data.nt (render's N-Triples), without Turtle and JSON-LD
        for index, d in enumerate(models):
            (out / f"{index}.nt").write_bytes(rdf.ntriples(d))

    timings = {}
    for name, fn in (("floor", floor), ("all", ours_all), ("nt", ours_nt)):
        samples = []
        for _ in range(runs):
            # CPU time of this one process: other work on the shared machine does not count
            start = time.process_time()
            fn()
            samples.append(time.process_time() - start)
        timings[name] = median(samples)
    results.add(what=f"raw N-Triples floor N={n}", kind="emission", n=n, value=total / timings["floor"],
                unit="triples/s", wall=timings["floor"], triples=total,
                detail=f"{timings['floor']:.2f} CPU s for {total} triples")
    results.add(what=f"our RDF emission, Turtle + JSON-LD + N-Triples, N={n}", kind="emission", n=n,
                value=total / timings["all"], unit="triples/s", wall=timings["all"],
                detail=f"{timings['all'] / timings['floor']:.1f}× the floor")
    results.add(what=f"our RDF emission, N-Triples only (from the model), N={n}", kind="emission", n=n,
                value=total / timings["nt"], unit="triples/s", wall=timings["nt"],
                detail=f"{timings['nt'] / timings['floor']:.1f}× the floor")
    results.add(what="RDF emission (all three formats) / raw floor", kind="ratio", value=timings["all"] / timings["floor"],
                unit="× the floor", target=TARGET_EMISSION, lower_is_better=True)
    results.add(what="RDF emission (N-Triples only) / raw floor", kind="ratio", value=timings["nt"] / timings["floor"],
                unit="× the floor", target=TARGET_EMISSION, lower_is_better=True)
    shutil.rmtree(out, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# 3b. Where the time goes: each stage of one disclosure's build, CPU time in process.


def _time_stages(stages: list[tuple[str, bool, Callable[[dict[str, Any]], Any]]], sources: list[tuple[str, bytes]],
                 runs: int, timings: dict[str, list[float]], results: Results) -> None:
    """CPU ms per source of each stage, one list entry per run."""
    for _ in range(runs):
        spent = {name: 0.0 for name, _, _ in stages}
        for name_, data in sources:
            state: dict[str, Any] = {"name": name_, "data": data}
            for name, _, fn in stages:
                start = time.process_time()
                try:
                    fn(state)
                except Exception as error:  # noqa: BLE001 - a stage that breaks is reported, not fatal
                    spent[name] = float("nan")
                    results.notes.append(f"Stage {name!r} failed: {type(error).__name__}: {error}")
                    continue
                spent[name] += time.process_time() - start
        for name in spent:
            timings[name].append(spent[name] * 1000 / len(sources))


def bench_stages(results: Results, corpus: list[Path], n: int, runs: int) -> None:
    """CPU ms per disclosure for each stage the build runs (the same functions it calls)."""
    import opendata
    from opendata.read import read_bytes
    from opendata.recognise import recognise

    sources = [(path.name, path.read_bytes()) for path in corpus[:n]]
    stages: list[tuple[str, bool, Callable[[dict[str, Any]], Any]]] = [
        ("read (text reader)", True, lambda s: s.update(doc=read_bytes(s["data"], s["name"]))),
        ("recognise (tables, projects, narrative, coverage)", True, lambda s: s.update(d=recognise(s["doc"]))),
    ]
    if not has_module("opendata.check", "validate"):
        from opendata.check import validate

        stages.append(("check (opendata.check.validate)", True, lambda s: s.update(report=validate(s["d"]))))
    if not has_module("opendata.emit.rdf", "render"):
        from opendata.emit import rdf

        findings = (lambda s: s["report"].findings if "report" in s else None)
        stages.append(("RDF: Turtle + JSON-LD + N-Triples (emit.rdf.render)", True,
                       lambda s: rdf.render(s["d"], findings=findings(s))))
        try:
            from opendata.emit import serialise

            # the two halves of rdf.render: the nodes of the model, then the one-pass writer
            parts = [
                ("nodes from the model (rdf._nodes)",
                 lambda s: s.update(nodes=rdf._nodes(s["d"], rdf.DEFAULT_BASE, findings(s)))),
                ("Turtle + JSON-LD + N-Triples in one pass (serialise.write_nodes)",
                 lambda s: serialise.write_nodes(s["nodes"])),
            ]
            stages += [(name, False, fn) for name, fn in parts]
        except Exception:  # noqa: BLE001 - the breakdown is optional; the total above stays
            pass
    if not has_module("opendata.build", "render_package"):
        from opendata.build import BuildOptions, render_package

        no_rdf = BuildOptions(rdf=False)
        stages.append(("CSV + Table Schemas + report.json (build.render_package without RDF, includes check)", True,
                       lambda s: s.update(files=render_package(s["d"], no_rdf)[1])))
    if not has_module("opendata.emit.html", "package_page"):
        from opendata.emit.html import package_page

        def page(s: dict[str, Any]) -> Any:
            return package_page(s["d"], s["files"], dataset_iri="https://example.org/dataset", config=_config())

        stages.append(("landing page (emit.html.package_page)", True, page))
    if not has_module("opendata.emit.catalog", "fragment"):
        from opendata.emit import catalog

        def catalogue(s: dict[str, Any]) -> Any:
            entry = catalog.entry_of(s["d"], _config().base_iri, s["files"])
            return catalog.fragment(entry, _config())

        stages.append(("catalogue entry and fragment (emit.catalog.entry_of, fragment)", True, catalogue))
    timings: dict[str, list[float]] = {name: [] for name, _, _ in stages}
    try:  # the garbage collector as the build runs it
        from opendata.build import _collect_less
    except ImportError:
        collecting: Any = contextlib.nullcontext()
    else:
        collecting = _collect_less()
    with collecting:
        _time_stages(stages, sources, runs, timings, results)
    check_ms = median(timings.get("check (opendata.check.validate)", [0.0]))
    for name, top, _ in stages:
        value = median(timings[name])
        if name.startswith("CSV + Table Schemas"):
            value -= check_ms  # render_package runs the check again; count it once
            name = "CSV + Table Schemas + report.json (emit.datapackage)"
        results.add(what=name, kind="stage", value=value, unit="CPU ms/disclosure", top=top, n=n)
    del opendata


def _config() -> Any:
    from opendata.config import Config

    return Config()


# --------------------------------------------------------------------------------------------
# 4. Incremental rebuild after one source changed.

_EDIT_FROM, _EDIT_TO = "我部门无其他需要说明的事项。", "本部门无其他需要说明的事项。"


def toggle_source(path: Path) -> None:
    """Change one source the way an editor would: one word of its last sentence."""
    text = path.read_text(encoding="utf-8")
    if _EDIT_FROM in text:
        text = text.replace(_EDIT_FROM, _EDIT_TO)
    else:
        text = text.replace(_EDIT_TO, _EDIT_FROM)
    path.write_text(text, encoding="utf-8")


def bench_incremental(results: Results, work: Path, corpus: list[Path], n: int, runs: int) -> None:
    reason = has_command("build")
    if reason:
        results.add(what=f"incremental rebuild of {n}, one changed", kind="incremental", value=f"not yet measured: {reason}")
        return
    out = work / f"kept-build-{n}-j2"
    if not out.is_dir():
        out = work / f"incremental-{n}"
        subprocess.run(build_command(corpus[:n], out, 2), env=_env(), capture_output=True)
    # settle first: the kept tree is the build of these sources, but say so if it had to do anything
    settle = measure(build_command(corpus[:n], out, 2), work / "incremental-settle.log")
    nothing = measure(build_command(corpus[:n], out, 2), work / "incremental-noop.log")
    changed: list[Run] = []
    for attempt in range(runs):
        victim = corpus[(attempt * 37) % n]
        toggle_source(victim)
        changed.append(measure(build_command(corpus[:n], out, 2), work / f"incremental-{attempt}.log"))
    # put the corpus back as generated
    for attempt in range(runs):
        toggle_source(corpus[(attempt * 37) % n])
    wall = median([r.wall for r in changed])
    results.add(what=f"incremental rebuild of {n}, one source changed (-j 2)", kind="incremental", n=n, value=wall,
                unit="s", target=TARGET_INCREMENTAL_S, lower_is_better=True,
                maxrss_mb=max(r.maxrss_mb for r in changed),
                detail=f"median of {len(changed)}; exit {changed[-1].returncode}; {_summary(changed[-1].log)}")
    results.add(what=f"rebuild of {n}, nothing changed (-j 2)", kind="incremental", n=n, value=nothing.wall, unit="s",
                detail=f"{_summary(nothing.log)}; the build before it: {settle.wall:.1f} s, {_summary(settle.log)}")


def _summary(log: str) -> str:
    """The counts of a ``--json`` build summary, when the log holds one."""
    try:
        start = log.index("{")
        data = json.loads(log[start:log.rindex("}") + 1])
    except ValueError:
        return ""
    counts = {k: v for k, v in data.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if isinstance(data.get("counts"), dict):  # opendata build --json: {"counts": {"built": n, ...}}
        counts.update(data["counts"])
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))[:200]


# --------------------------------------------------------------------------------------------
# 5. Queries and publishing (issue 6).


_QUERY_REFRESH = textwrap.dedent(
    r"""
    import json, sys, time
    from opendata import queries
    from opendata.store import refresh
    start = time.perf_counter(); state = refresh(sys.argv[1]); cold = time.perf_counter() - start
    print(json.dumps({"refresh": cold, "loaded": len(state.loaded), "names": [q.name for q in queries.ready_made()]}))
    """
)

_QUERY_ONE = textwrap.dedent(
    r"""
    import json, statistics, sys, time
    from opendata import queries
    from opendata.store import open_store
    directory, name, params, runs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
    query = queries.resolve(name)
    for attempt in range(runs + 1):  # the first run warms the caches and is not counted (unless alone)
        start = time.perf_counter()
        with open_store(directory) as store:
            rows = len(store.query(query, params).rows)
        print(json.dumps({"attempt": attempt, "seconds": time.perf_counter() - start, "rows": rows}), flush=True)
    """
)

_QUERY_RDFLIB = textwrap.dedent(
    r"""
    import json, signal, sys, time
    from pathlib import Path
    from rdflib import Dataset, URIRef
    from opendata import queries
    from opendata.store import graph_of, packages, vocabulary_graph, vocabulary_ntriples
    directory, params, limit = Path(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])

    class TimeUp(Exception):
        pass

    def time_up(signum, frame):
        raise TimeUp()

    signal.signal(signal.SIGALRM, time_up)
    start = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.graph(URIRef(vocabulary_graph())).parse(data=vocabulary_ntriples().decode("utf-8"), format="nt")
    for package in packages(directory):
        ds.graph(URIRef(graph_of(package.path))).parse(str(package.path), format="nt")
    out = {"load": time.perf_counter() - start, "triples": len(ds), "queries": {}}
    print(json.dumps(out), flush=True)
    for query in queries.ready_made():
        text = queries.bind(query, params.get(query.name, {}))
        start = time.perf_counter()
        signal.alarm(limit)  # each query its own limit: one slow query must not hide the others
        try:
            rows = len(list(ds.query(text)))
        except TimeUp:
            print(json.dumps({"query": query.name, "timeout": time.perf_counter() - start}), flush=True)
            continue
        finally:
            signal.alarm(0)
        print(json.dumps({"query": query.name, "seconds": time.perf_counter() - start, "rows": rows}), flush=True)
    """
)


def _query_params(corpus: list[Path]) -> dict[str, dict[str, str]]:
    """Values for the required parameters of the ready-made queries (a department of the corpus)."""
    department = ""
    for line in corpus[0].read_text(encoding="utf-8").splitlines():
        code, _, name = line.partition(" ")
        if code.isdigit() and name.startswith(synth.SYNTH_PREFIX):
            department = name.strip()
            break
    from opendata import queries

    params: dict[str, dict[str, str]] = {}
    for query in queries.ready_made():
        values = {}
        for parameter in query.parameters:
            if not parameter.required:
                continue
            if parameter.name == "code":
                values["code"] = "208"  # 社会保障和就业支出: in every synthetic disclosure
            elif parameter.name == "department":
                values["department"] = department
            else:
                values[parameter.name] = ""
        params[query.name] = values
    return params


def bench_query(results: Results, work: Path, corpus: list[Path], n: int, rdflib_n: int, runs: int,
                rdflib_limit: float, query_limit: float) -> None:
    """Ready-made queries over the on-disk store of N packages, and rdflib on the same data."""
    open_only = textwrap.dedent(
        r"""
        import json, sys, time
        from opendata.store import open_store
        for attempt in range(int(sys.argv[2])):
            start = time.perf_counter()
            with open_store(sys.argv[1]):
                pass
            print(json.dumps({"attempt": attempt, "seconds": time.perf_counter() - start}), flush=True)
        """
    )
    reason = has_module("opendata.store", "open_store") or has_module("opendata.queries", "ready_made")
    if reason:
        results.add(what=f"ready-made queries, N={n}", kind="query", value=f"not yet measured: {reason}")
        return
    timings: dict[int, dict[str, Any]] = {}
    dirs: dict[int, Path] = {}
    for size in sorted({n, rdflib_n} - {0}):
        out = work / f"kept-build-{size}-j2"
        if not out.is_dir():
            out = work / f"query-{size}"
            subprocess.run(build_command(corpus[:size], out, 2), env=_env(), capture_output=True)
        dirs[size] = out
        params = _query_params(corpus)
        run = measure([PYTHON, "-c", _QUERY_REFRESH, str(out)], work / f"query-refresh-{size}.log")
        try:
            data = json.loads(run.log.strip().splitlines()[-1])
        except (ValueError, IndexError):
            results.add(what=f"ready-made queries, N={size}", kind="query", value="failed", detail=run.log[-1500:])
            return
        data["queries"] = {}
        for name in data["names"]:
            one = measure([PYTHON, "-c", _QUERY_ONE, str(out), name, json.dumps(params.get(name, {})), str(runs)],
                          work / f"query-{size}-{name}.log", timeout=query_limit)
            attempts = [json.loads(line) for line in one.log.splitlines() if line.startswith("{")]
            counted = attempts[1:] or attempts
            if counted:
                data["queries"][name] = {"seconds": median([a["seconds"] for a in counted]), "rows": counted[-1]["rows"],
                                         "killed": one.killed and not attempts[1:]}
            else:
                data["queries"][name] = {"seconds": None, "rows": 0, "killed": True}
        timings[size] = data
        triples = count_triples(out)
        results.add(what=f"embedded store: first load of N={size} ({triples:,} triples, pyoxigraph bulk load)",
                    kind="query", n=size, value=data["refresh"], unit="s", maxrss_mb=run.maxrss_mb,
                    detail=f"{triples / data['refresh']:,.0f} triples/s; peak RSS {run.maxrss_mb:.0f} MB")
        # the fixed part of every query: open the database and check that no package changed
        opened = measure([PYTHON, "-c", open_only, str(out), str(max(runs, 3))], work / f"query-open-{size}.log")
        seconds = [json.loads(line)["seconds"] for line in opened.log.splitlines() if line.startswith("{")]
        if seconds:
            results.add(what=f"embedded store: open and check freshness, N={size} (no query; in process)", kind="query",
                        n=size, value=median(seconds), unit="s", detail="included in every query time below")
    for name, item in timings[n]["queries"].items():
        what = f"query {name}, N={n} (open the on-disk store, check freshness, run; in process)"
        if item["seconds"] is None:
            results.add(what=what, kind="query", n=n, value=f"did not finish within {query_limit:g} s", target=TARGET_QUERY_S,
                        lower_is_better=True)
            continue
        results.add(what=what, kind="query", n=n, value=item["seconds"], unit="s", target=TARGET_QUERY_S,
                    lower_is_better=True, detail=f"{item['rows']} rows" + (" (one run: the repeats hit the time limit)"
                                                                           if item.get("killed") else ""))
    cli = has_command("query")
    if cli is None:
        out = dirs[n]
        for name in list(timings[n]["queries"]) if runs > 1 else list(timings[n]["queries"])[:2]:
            params = _query_params(corpus).get(name, {})
            args = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
            cli_runs = [measure([PYTHON, "-m", "opendata", "query", name, *args, "--dir", str(out), "--format", "csv"],
                                work / f"query-cli-{name}.log", timeout=query_limit) for _ in range(runs)]
            what = f"`opendata query {name}`, N={n}, fresh process"
            if any(r.returncode != 0 for r in cli_runs):
                bad = next(r for r in cli_runs if r.returncode != 0)
                results.add(what=what, kind="query", n=n, target=TARGET_QUERY_S, lower_is_better=True,
                            value="did not finish within the time limit" if bad.killed else f"failed (exit {bad.returncode})",
                            detail=bad.log[-300:])
                continue
            lines = max(0, len(cli_runs[-1].log.strip().splitlines()) - 1)
            results.add(what=what, kind="query", n=n, value=median([r.wall for r in cli_runs]), unit="s",
                        target=TARGET_QUERY_S, lower_is_better=True, detail=f"{lines} rows")
    # rdflib on the same data (N = rdflib_n: rdflib cannot hold the larger corpus in this run's budget)
    out = dirs.get(rdflib_n, work / f"kept-build-{rdflib_n}-j2")
    if rdflib_n and rdflib_n < n:
        results.notes.append(
            f"rdflib is compared at N = {rdflib_n:,}, not {n:,}: its in-memory Dataset took 2.2 GB and 45 s of CPU to "
            f"load N = 100 (1.2 M triples; 08:20 UTC, 2026-11-27), so N = 1,000 would need some 22 GB, about this "
            f"machine's memory. Each of its queries runs under a time limit of its own; a query it did not finish gives "
            f"a lower bound.")
    log = work / f"rdflib-{rdflib_n}.log"
    if not rdflib_n:
        results.add(what="rdflib SPARQL on the same data", kind="query", value="not measured in the smoke run")
        return
    per_query = max(1, int(rdflib_limit / 10))
    run = measure([PYTHON, "-c", _QUERY_RDFLIB, str(out), json.dumps(_query_params(corpus)), str(per_query)], log,
                  timeout=rdflib_limit + 120)
    lines = [json.loads(line) for line in run.log.splitlines() if line.startswith("{")]
    if not lines:
        results.add(what=f"rdflib SPARQL, N={rdflib_n}", kind="query", value="failed", detail=run.log[-1500:])
        return
    results.add(what=f"rdflib: load N={rdflib_n} into a Dataset ({lines[0]['triples']:,} triples)", kind="query",
                n=rdflib_n, value=lines[0]["load"], unit="s", maxrss_mb=run.maxrss_mb,
                detail=f"peak RSS {run.maxrss_mb:.0f} MB")
    ours = timings[rdflib_n]["queries"]
    reached = {item["query"] for item in lines[1:]}
    unreached = [name for name in ours if name not in reached]
    if unreached:
        results.notes.append("rdflib never reached these queries (its process was stopped): " + ", ".join(unreached) + ".")
    for item in lines[1:]:
        mine = ours.get(item["query"], {}).get("seconds")
        if not mine:
            continue
        if "timeout" in item:
            results.add(what=f"query {item['query']}: rdflib / opendata, N={rdflib_n}", kind="ratio", n=rdflib_n,
                        value=item["timeout"] / mine, unit="× faster (lower bound)", target=TARGET_QUERY_RATIO,
                        detail=f"rdflib stopped at its {per_query} s limit per query; opendata {mine:.3f} s")
            continue
        results.add(what=f"query {item['query']}: rdflib / opendata, N={rdflib_n}", kind="ratio", n=rdflib_n,
                    value=item["seconds"] / mine, unit="× faster", target=TARGET_QUERY_RATIO,
                    detail=f"rdflib {item['seconds']:.2f} s ({item['rows']} rows), opendata {mine:.3f} s "
                    f"({ours[item['query']]['rows']} rows)")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """A real oxigraph server (the ``oxigraph`` package's binary) on a free local port."""

    def __init__(self, location: Path) -> None:
        binary = shutil.which("oxigraph") or str(Path(PYTHON).parent / "oxigraph")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        location.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import urllib.request

        for _ in range(200):
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise RuntimeError("oxigraph server did not start")

    def count(self) -> int:
        import urllib.parse
        import urllib.request

        query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        request = urllib.request.Request(f"{self.url}/query?query={query}",
                                         headers={"Accept": "application/sparql-results+json"})
        data = json.loads(urllib.request.urlopen(request, timeout=60).read())
        return int(data["results"]["bindings"][0]["n"]["value"])

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def bench_publish(results: Results, work: Path, corpus: list[Path], n: int) -> None:
    """Publishing N packages into a real oxigraph server: ``opendata publish`` and the raw floor
    (each data.nt PUT as a named graph with urllib, nothing else)."""
    import urllib.request

    out = work / f"kept-build-{n}-j2"
    if not out.is_dir():
        if has_command("build"):
            results.add(what=f"publish N={n} into an oxigraph server", kind="publish",
                        value="not measured: `opendata build` not built")
            return
        out = work / f"publish-{n}"
        subprocess.run(build_command(corpus[:n], out, 2), env=_env(), capture_output=True)
    files = sorted(out.glob("*/data.nt"))
    triples = count_triples(out)
    try:
        server = OxigraphServer(work / "oxigraph-floor")
    except (OSError, RuntimeError) as error:
        results.add(what="publish into an oxigraph server", kind="publish", value=f"not measured: {error}")
        return
    try:
        start = time.perf_counter()
        for path in files:
            graph = urllib.request.quote(f"https://example.org/graph/{path.parent.name}", safe="")
            request = urllib.request.Request(f"{server.url}/store?graph={graph}", data=path.read_bytes(), method="PUT",
                                             headers={"Content-Type": "application/n-triples"})
            urllib.request.urlopen(request, timeout=300).read()
        wall = time.perf_counter() - start
        stored = server.count()
    finally:
        server.close()
    results.add(what=f"raw floor: PUT each data.nt into oxigraph (urllib), N={n}", kind="publish", n=n,
                value=triples / wall, unit="triples/s", wall=wall, detail=f"{wall:.1f} s, {stored:,} triples stored")
    reason = has_command("publish")
    if reason:
        results.add(what=f"opendata publish N={n} into an oxigraph server", kind="publish",
                    value=f"not yet measured: {reason}")
        return
    server = OxigraphServer(work / "oxigraph-publish")
    try:
        run = measure([PYTHON, "-m", "opendata", "publish", str(out), "--endpoint", f"{server.url}/store"],
                      work / "publish.log")
        stored = server.count() if run.returncode == 0 else 0
    finally:
        server.close()
    if run.returncode != 0:
        results.add(what=f"opendata publish N={n} into an oxigraph server", kind="publish",
                    value=f"failed (exit {run.returncode})", detail=run.log[-1500:])
        return
    results.add(what=f"opendata publish N={n} into an oxigraph server", kind="publish", n=n, value=triples / run.wall,
                unit="triples/s", wall=run.wall, detail=f"{run.wall:.1f} s, {stored:,} triples stored, "
                f"{run.wall / wall:.1f}× the raw floor")


# --------------------------------------------------------------------------------------------
# 6. PDF reading.


def bench_pdf(results: Results, runs: int, smoke: bool = False) -> None:
    pdfs = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []
    if smoke and pdfs:
        pdfs = [min(pdfs, key=lambda p: p.stat().st_size)]  # the smoke run only proves the code path works
    if not pdfs:
        results.add(what="PDF reading", kind="pdf", value=f"not measured: no PDF in {CORPUS}")
        return
    reason = has_module("opendata.read.pdf", "read_pdf")
    if reason:
        results.add(what="PDF reading", kind="pdf", value=f"not yet measured: {reason}")
        return
    from opendata.read import read_path
    from opendata.recognise import recognise

    # CPU time of this one process (one core): other work on the shared machine does not count against
    # the reader; wall time is given beside it
    pages = 0
    read_cpu, read_wall, load_cpu = [], [], []
    for _ in range(runs):
        cpu, wall, cpu_load = 0.0, 0.0, 0.0
        pages = 0
        for pdf in pdfs:
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            document = read_path(pdf)
            cpu += time.process_time() - start_cpu
            wall += time.perf_counter() - start_wall
            pages += document.pages or 0
            start_cpu = time.process_time()
            try:
                recognise(document)
            except Exception:  # noqa: BLE001 - a document the recogniser refuses still counts its reading
                pass
            cpu_load += time.process_time() - start_cpu
        read_cpu.append(cpu)
        read_wall.append(wall)
        load_cpu.append(cpu + cpu_load)
    cpu, wall, both = median(read_cpu), median(read_wall), median(load_cpu)
    results.add(what=f"PDF reading (read_path), {len(pdfs)} PDFs, {pages} pages, per core (CPU time)", kind="pdf",
                value=pages / cpu, unit="pages/s", target=TARGET_PDF_PAGES, wall=wall,
                detail=f"{cpu:.2f} CPU s per pass, median of {runs}; wall {pages / wall:.1f} pages/s")
    results.add(what="PDF read + recognise, per core (CPU time)", kind="pdf", value=pages / both, unit="pages/s")


# --------------------------------------------------------------------------------------------
# Report.


def verdict(row: dict[str, Any]) -> str:
    target, value = row.get("target"), row.get("value")
    if target is not None and (str(value).startswith("did not finish") or str(value).startswith("failed")):
        return "**missed**"
    if target is None or not isinstance(value, (int, float)):
        return ""
    ok = value <= target if row.get("lower_is_better") else value >= target
    return "met" if ok else "**missed**"


def render_markdown(results: Results) -> str:
    m = results.machine
    lines = [
        f"Command: `{results.command}` ({results.mode} run), started {results.started}.",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, Python {m['python']}, {m['platform']}; "
        f"opendata {m['opendata']}. At the start: {m.get('load', '')}; at the end: {results.load_end}. "
        "The machine is shared: other processes ran during the measurements, so wall times are upper bounds "
        "(the CPU columns are less sensitive to that).",
        "",
    ]
    builds = [r for r in results.rows if r.get("kind") == "build"]
    if builds:
        lines += [
            "### `opendata build`, end to end (synthetic corpus, text input)",
            "",
            "| N | -j | runs | median wall (s) | disclosures/s | triples | triples/s | CPU s (all processes) | disclosures per CPU-s | max RSS, largest process (MB) | peak RSS, whole tree (MB) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in builds:
            if isinstance(r.get("value"), float):
                lines.append(
                    f"| {r['n']:,} | {r['jobs']} | {r['runs']} | {r['wall']:.2f} | {r['value']:.1f} | {r['triples']:,} | "
                    f"{r['triples_per_s']:,.0f} | {r['cpu']:.1f} | {r['n'] / r['cpu']:.1f} | {r['maxrss_mb']:.0f} | "
                    f"{r['tree_peak_mb']:.0f} |"
                )
            else:
                lines.append(f"| {r.get('n', '')} | {r.get('jobs', '')} | | {r['value']} | | | | | | | |")
        lines.append("")
    stages = [r for r in results.rows if r.get("kind") == "stage"]
    if stages:
        total = sum(r["value"] for r in stages if r.get("top"))
        lines += [
            "### Where the time of one disclosure goes (in process, CPU ms per disclosure, median)",
            "",
            "| stage | CPU ms per disclosure | share of the top-level stages |",
            "|---|---:|---:|",
        ]
        for r in stages:
            share = f"{100 * r['value'] / total:.0f} %" if r.get("top") and total else ""
            name = r["what"] if r.get("top") else f"&nbsp;&nbsp;↳ {r['what']}"
            lines.append(f"| {name} | {r['value']:.1f} | {share} |")
        lines.append("")
    others = [r for r in results.rows if r.get("kind") not in ("build", "stage")]
    if others:
        lines += ["### Everything else", "", "| measurement | value | target | | detail |", "|---|---:|---:|---|---|"]
        for r in others:
            value = r.get("value")
            shown = f"{value:,.2f} {r.get('unit', '')}" if isinstance(value, (int, float)) else str(value)
            target = r.get("target")
            target_text = ""
            if target is not None:
                target_text = f"{'≤' if r.get('lower_is_better') else '≥'} {target:g}"
            detail = str(r.get("detail", "")).replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {r['what']} | {shown} | {target_text} | {verdict(r)} | {detail} |")
        lines.append("")
    targets = _targets(results)
    if targets:
        lines += ["### Targets of issue 8", "", "| target | measured | |", "|---|---|---|"] + targets + [""]
    if results.skipped:
        lines += ["Skipped: " + "; ".join(results.skipped) + ".", ""]
    for note in results.notes:
        lines += [note, ""]
    return "\n".join(lines).rstrip() + "\n"


def _targets(results: Results) -> list[str]:
    rows: list[str] = []
    builds = {(r["n"], r["jobs"]): r for r in results.rows if r.get("kind") == "build" and isinstance(r.get("value"), float)}
    if builds:
        best_n = max(n for n, jobs in builds if jobs == 2) if any(j == 2 for _, j in builds) else None
        if best_n is not None:
            rate = builds[(best_n, 2)]["value"]
            ok = "met" if rate >= TARGET_RATE else "**missed**"
            rows.append(f"| ≥ {TARGET_RATE:g} disclosures/s with -j 2 (largest N = {best_n:,}) | {rate:.1f} /s | {ok} |")
        peak = max(max(r["maxrss_mb"], r["tree_peak_mb"]) for r in builds.values())
        ok = "met" if peak < TARGET_MEMORY_MB else "**missed**"
        rows.append(f"| peak memory < {TARGET_MEMORY_MB:g} MB at every N | {peak:.0f} MB (largest of both measures) | {ok} |")
    for r in results.rows:
        if r.get("target") is not None and isinstance(r.get("value"), (int, float)):
            rows.append(f"| {r['what']}: {'≤' if r.get('lower_is_better') else '≥'} {r['target']:g} | "
                        f"{r['value']:,.2f} {r.get('unit', '')} | {verdict(r)} |")
        elif r.get("target") is not None and verdict(r):
            rows.append(f"| {r['what']}: {'≤' if r.get('lower_is_better') else '≥'} {r['target']:g} | {r['value']} | "
                        f"{verdict(r)} |")
        elif r.get("kind") in ("query", "publish", "pdf", "baseline", "incremental") and not isinstance(r.get("value"), (int, float)):
            rows.append(f"| {r['what']} | {r['value']} | not measured |")
    return rows


def write_benchmarks_md(markdown: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace the results between the markers of BENCHMARKS.md (the rest is written by hand)."""
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{markdown}{END}{tail}", encoding="utf-8")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark opendata; --full writes BENCHMARKS.md.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--full", action="store_true", help="the manual run: N = 10, 100, 1,000 (10,000 if it fits)")
    mode.add_argument("--smoke", action="store_true", help="N = 10, one run, never writes BENCHMARKS.md")
    parser.add_argument("--workdir", type=Path, help="where corpora and builds go (default: a temporary folder)")
    parser.add_argument("--budget-minutes", type=float, default=15.0, help="stop starting new measurements after this")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="--full without writing BENCHMARKS.md")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)

    started = time.monotonic()
    deadline = started + args.budget_minutes * 60
    command = "python benchmarks/run.py " + ("--full" if args.full else "--smoke")
    results = Results(
        mode="full" if args.full else "smoke",
        command=command,
        started=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
    )
    own_workdir = args.workdir is None
    work = Path(tempfile.mkdtemp(prefix="opendata-bench-")) if own_workdir else args.workdir
    work.mkdir(parents=True, exist_ok=True)
    try:
        left = lambda: deadline - time.monotonic()  # noqa: E731
        if args.full:
            runs = {(10, 1): 3, (10, 2): 3, (100, 1): 1, (100, 2): 2, (1000, 2): 1, (1000, 1): 1}
            baseline_n, emission_n, incremental_n, publish_n, repeat = 10, 20, 1000, 20, 2
            rdflib_n, rdflib_limit, stage_n, query_limit = 100, 400.0, 20, 60.0
            biggest = 1000
        else:
            # the smoke run proves every code path works, as cheaply as it can (it runs in CI)
            runs = {(10, 1): 1, (10, 2): 1}
            baseline_n, emission_n, incremental_n, publish_n, repeat = 3, 3, 10, 2, 1
            rdflib_n, rdflib_limit, stage_n, query_limit = 0, 0.0, 2, 10.0
            biggest = 10
        print(f"generating {biggest} synthetic disclosures into {work / 'corpus'}", file=sys.stderr, flush=True)
        corpus = synth.write_corpus(work / "corpus", biggest, args.seed)

        # In order of priority, each step only when the budget has room for it (the machine is shared and
        # its speed varies; what is skipped is said in BENCHMARKS.md).
        print("opendata build:", file=sys.stderr, flush=True)
        # the measurements after the builds take ~8 minutes on this machine when it is busy: the builds
        # get what is left of the budget before that
        reserve = 480.0 if args.full else 0.0
        walls = bench_build(results, work, corpus, [10], runs, deadline - reserve)
        if args.full:
            walls.update(bench_build(results, work, corpus, [100], runs, deadline - reserve))
            estimate = 10 * walls.get((100, 2), 60.0)
            if estimate < left() - reserve:
                walls.update(bench_build(results, work, corpus, [1000], runs, deadline, (2,)))
            else:
                results.skipped.append(f"N = 1,000 -j 2: estimated {estimate / 60:.1f} min, "
                                       f"{max(0.0, left()) / 60:.1f} min of the budget left")
        print("baseline:", file=sys.stderr, flush=True)
        bench_baseline(results, work, corpus, baseline_n, walls)
        print("RDF emission:", file=sys.stderr, flush=True)
        bench_emission(results, work, corpus, emission_n, repeat)
        print("stages:", file=sys.stderr, flush=True)
        bench_stages(results, corpus, stage_n, repeat)
        print("incremental:", file=sys.stderr, flush=True)
        incremental_n = incremental_n if (incremental_n, 2) in walls or not args.full else 100
        bench_incremental(results, work, corpus, incremental_n, repeat)
        print("query and publish:", file=sys.stderr, flush=True)
        query_n = 10
        if args.full:
            # the first load of the embedded store runs at ~40,000-50,000 triples/s here (with its compaction),
            # then ~7 minutes of queries, and rdflib at N = 100 (its load, then queries up to its time limit)
            query_n = 100
            big = work / "kept-build-1000-j2"
            needed = count_triples(big) / 40_000 + 420 + 200 + rdflib_limit if big.is_dir() else 0.0
            if big.is_dir() and needed < left():
                query_n = 1000
            elif big.is_dir():
                results.skipped.append(f"queries at N = 1,000: estimated {needed / 60:.0f} min (store load, queries, "
                                       f"rdflib at N = {rdflib_n}), more than the budget left; measured at N = 100")
        bench_query(results, work, corpus, query_n, rdflib_n, repeat, rdflib_limit, query_limit)
        bench_publish(results, work, corpus, publish_n)
        print("PDF:", file=sys.stderr, flush=True)
        bench_pdf(results, 2 if args.full else 1, smoke=not args.full)
        if args.full:
            # the lowest priorities last: N = 1,000 with -j 1, then 10,000 with -j 2
            if (1000, 2) in walls:
                estimate = 1.9 * walls[(1000, 2)]
                if estimate < left():
                    walls.update(bench_build(results, work, corpus, [1000], runs, deadline, (1,)))
                    shutil.rmtree(work / "kept-build-1000-j1", ignore_errors=True)
                else:
                    results.skipped.append(f"N = 1,000 -j 1: estimated {estimate / 60:.1f} min (1.9 × the -j 2 time), "
                                           f"{max(0.0, left()) / 60:.1f} min of the budget left")
                estimate = 10 * walls[(1000, 2)]
                kept = work / "kept-build-1000-j2"
                disk = 10 * sum(f.stat().st_size for f in kept.rglob("*")  # the packages, not the query store
                                if f.is_file() and ".opendata-store" not in f.parts) if kept.is_dir() else 0
                free = shutil.disk_usage(work).free
                if disk and disk * 1.2 > free:
                    results.skipped.append(
                        f"N = 10,000: its packages need ~{disk / 1e9:.0f} GB of disk (10 × N = 1,000), "
                        f"{free / 1e9:.0f} GB free (its -j 2 build: estimated {estimate / 60:.1f} min)")
                elif estimate < min(600.0, left()):
                    corpus = synth.write_corpus(work / "corpus", 10_000, args.seed)
                    walls.update(bench_build(results, work, corpus, [10_000], {(10_000, 2): 1}, deadline, (2,)))
                else:
                    results.skipped.append(
                        f"N = 10,000: estimated {estimate / 60:.1f} min for -j 2 alone (10 × N = 1,000), more than "
                        f"{min(600.0, max(0.0, left())) / 60:.1f} min (the issue's 10-minute limit or what is left of "
                        f"the {args.budget_minutes:g}-minute budget)"
                    )
        results.load_end = machine().get("load", "")
        elapsed = time.monotonic() - started
        results.notes.append(f"Total time of this run: {elapsed / 60:.1f} min.")
        markdown = render_markdown(results)
        (work / "results.md").write_text(markdown, encoding="utf-8")
        raw = json.dumps({"machine": results.machine, "rows": results.rows, "skipped": results.skipped,
                          "notes": results.notes, "command": results.command, "started": results.started},
                         ensure_ascii=False, indent=1, default=str)
        (work / "results.json").write_text(raw, encoding="utf-8")
        if args.json:
            args.json.write_text(raw, encoding="utf-8")
        if args.full and not args.no_write:
            write_benchmarks_md(markdown)
            print(f"wrote {BENCHMARKS_MD}", file=sys.stderr)
        print(markdown)
    finally:
        if own_workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
