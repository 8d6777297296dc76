"""The command line: a thin client of the library. The only module that imports click,
prints or exits. Exit codes: 0 ok, 1 findings at error level, 2 usage, 3 unreadable input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table as RichTable
from rich.markup import escape
from rich.text import Text

from . import __version__, load, sample_path
from .errors import OpendataError, UnreadableInput

if TYPE_CHECKING:
    from .queries import Query, Results

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _fail_unreadable(error: UnreadableInput) -> None:
    _console(stderr=True).print(f"[bold red]error:[/] unreadable input: {escape(str(error))}", markup=True)
    sys.exit(EXIT_UNREADABLE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="opendata")
def main() -> None:
    """Read Chinese budget disclosures, check them and publish them as open data."""


@main.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable summary; json: the whole model (decimals as strings).")
def inspect(source: Path | None, fmt: str) -> None:
    """Read SOURCE (default: the bundled Hebei sample) and summarise what was recognised."""
    from .model.jsonview import to_data
    from .summary import summarise

    path = source or sample_path()
    try:
        disclosure = load(path)
    except UnreadableInput as error:
        _fail_unreadable(error)
        return
    if fmt == "json":
        click.echo(json.dumps(to_data(disclosure), ensure_ascii=False, indent=1))
        return
    summary = summarise(disclosure)
    console = _console()
    console.print(f"[bold]{summary.title}[/]")
    console.print(
        f"department {summary.department} (code {summary.department_code or '—'}), year {summary.year}, "
        f"phase {summary.phase}, scope {summary.scope}, division {summary.division or '—'}, unit {summary.unit}"
    )
    table = RichTable(title="tables")
    for column in ("kind", "title", "lines", "figures", "pages", "unit"):
        table.add_column(column)
    for t in summary.tables:
        table.add_row(t.kind, t.title, str(t.lines), str(t.figures), str(t.pages), t.unit)
    console.print(table)
    console.print(
        f"projects {summary.projects}, indicators {summary.indicators}, procurement lines {summary.procurement_lines}, "
        f"asset lines {summary.asset_lines}, institutions {summary.institutions}, sections {summary.sections}, "
        f"glossary terms {summary.glossary_terms}, narrative claims {summary.claims}"
    )
    console.print(
        "coverage: " + ", ".join(f"{status} {count}" for status, count in summary.coverage)
        + f"; captured {summary.captured}, not understood {len(summary.not_understood)}"
    )
    for item in summary.not_understood:
        console.print(f"  not understood: {item}")
    for note in summary.notes:
        console.print(f"  note: {note}")


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("datapackages"),
              show_default=True, help="Output directory: one folder per package, and the catalogue.")
@click.option("--check", is_flag=True, help="Build in memory, compare with --out, exit 1 listing the files that differ.")
@click.option("--issued", help="Publication date (YYYY-MM-DD) for datapackage.json and the catalogue; "
              "default: SOURCE_DATE_EPOCH, else no date.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file (default: opendata.toml or [tool.opendata] in pyproject.toml, found upwards).")
@click.option("--base-iri", help="Base IRI of the published linked data (overrides the configuration).")
@click.option("--publisher-name", help="Publisher name (overrides the configuration).")
@click.option("--publisher-iri", help="Publisher IRI (overrides the configuration).")
@click.option("--licence", help="Licence name, e.g. CC-BY-4.0 (overrides the configuration).")
@click.option("--licence-iri", help="Licence IRI (overrides the configuration).")
@click.option("--language", type=click.Choice(["zh", "en"]), help="Language of plain titles (overrides the configuration).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Build in N processes.")
@click.option("--rdf/--no-rdf", default=True, show_default=True, help="Write data.ttl, data.jsonld and data.nt.")
@click.option("--allow-errors", is_flag=True, help="Exit 0 even when the checks find errors.")
@click.option("--strict", is_flag=True, help="Warnings count as errors.")
@click.option("--force", is_flag=True, help="Rebuild every package, even unchanged ones.")
@click.option("--prune", is_flag=True, help="Remove package folders in --out that no source produced.")
@click.option("--fsync/--no-fsync", default=True, show_default=True,
              help="fsync every file before the swap (safe against power loss; slower on some disks).")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for another build into --out to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary (errors are still printed).")
def build(sources: tuple[Path, ...], out: Path, check: bool, issued: str | None, config_path: Path | None,
          base_iri: str | None, publisher_name: str | None, publisher_iri: str | None, licence: str | None,
          licence_iri: str | None, language: str | None, jobs: int, rdf: bool, allow_errors: bool, strict: bool,
          force: bool, prune: bool, fsync: bool, lock_timeout: float, as_json: bool, quiet: bool) -> None:
    """Build a data package per SOURCE (default: the bundled sample) into --out.

    A SOURCE may be a directory: every .txt, .pdf, .html, .htm and .xlsx file inside it is built.
    Exit codes: 0 built, 1 checks found errors (unless --allow-errors) or --check found
    differences, 2 usage or --out locked by another build, 3 unreadable input.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .build import BuildOptions, build as run_build, expand_sources
    from .config import discover, load_file
    from .errors import BuildLocked, ConfigError

    err = _console(stderr=True)
    try:
        config = load_file(config_path) if config_path else discover()
        config = config.with_overrides(base_iri=base_iri, publisher_name=publisher_name, publisher_iri=publisher_iri,
                                       licence=licence, licence_iri=licence_iri, language=language)
    except ConfigError as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    options = BuildOptions(config=config, issued=issued, jobs=jobs, check=check, rdf=rdf, strict=strict,
                           incremental=not force, prune=prune, fsync=fsync, lock_timeout=lock_timeout)
    paths = list(sources) or [sample_path()]
    show_bar = not quiet and not as_json and err.is_terminal
    try:
        if show_bar:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err, transient=True) as bar:
                total = len(expand_sources(paths, exclude=[out]))
                task = bar.add_task("checking" if check else "building", total=total)
                result = run_build(paths, out, options, progress=lambda _: bar.advance(task))
        else:
            result = run_build(paths, out, options)
    except ConfigError as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    except BuildLocked as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    except UnreadableInput as error:
        _fail_unreadable(error)
        return
    code = EXIT_OK
    if result.unreadable:
        code = EXIT_UNREADABLE
    elif result.differences or result.conflicts or (result.has_errors and not allow_errors):
        code = EXIT_FINDINGS
    for p in result.unreadable:
        err.print(f"error: unreadable input: {p.message}", markup=False)
    for p in result.conflicts:
        err.print(f"error: {p.source}: {p.message}", markup=False)
    if check:
        for difference in result.differences:
            err.print(f"differs: {out / difference}", markup=False)
    if as_json:
        click.echo(json.dumps({**result.to_data(), "exit_code": code}, ensure_ascii=False, indent=1, sort_keys=True))
    elif not quiet:
        counts = ", ".join(f"{status} {n}" for status, n in result.counts().items()) or "no sources"
        verb = "checked" if check else "built"
        click.echo(f"{verb} {out}: {counts}")
        with_errors = [p for p in result.packages if p.errors]
        for p in with_errors:
            click.echo(f"  {p.package}: {p.errors} error(s), {p.warnings} warning(s) (see report.json)")
        for name in result.stale:
            click.echo(f"  stale folder (no source produced it; --prune removes it): {name}")
        if check and not result.differences:
            click.echo(f"  {out} is up to date")
    if result.has_errors and not allow_errors and not quiet and not as_json:
        err.print("error: the checks found errors (see report.json; --allow-errors to publish anyway)", markup=False)
    sys.exit(code)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable report; json: the findings as data (decimals as strings).")
@click.option("--strict", is_flag=True, default=False, help="Warnings count as errors for the exit code.")
def validate(sources: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check the accounting of each SOURCE (default: the bundled sample; a directory: its .txt, .pdf,
    .html, .htm and .xlsx files): sums, cross-table identities, narrative figures and codes.
    Exit 0 when no error-level finding, 1 otherwise, 3 for unreadable input."""
    from .check import validate as check_disclosure

    suffixes = (".txt", ".pdf", ".html", ".htm", ".xlsx")
    paths: list[Path] = []
    for source in sources or (sample_path(),):
        if source.is_dir():
            paths.extend(sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in suffixes))
        else:
            paths.append(source)
    reports = []
    unreadable = False
    for path in paths:
        try:
            reports.append(check_disclosure(load(path)))
        except UnreadableInput as error:
            _console(stderr=True).print(f"[bold red]error:[/] unreadable input: {escape(str(error))}", markup=True)
            unreadable = True
    if fmt == "json":
        click.echo(json.dumps({"reports": [r.to_data() for r in reports]}, ensure_ascii=False, indent=1))
    else:
        console = _console()
        for report in reports:
            console.print(f"[bold]{report.source}[/]: {report.errors} errors, {report.warnings} warnings, "
                          f"{report.infos} infos")
            styles = {"error": "bold red", "warning": "yellow", "info": "cyan"}
            for finding in report.findings:
                where = "; ".join(str(loc).split(", ", 1)[-1] for loc in finding.locators[:4])
                more = f" (+{len(finding.locators) - 4} more)" if len(finding.locators) > 4 else ""
                line = Text()
                line.append(f"{finding.severity:<7} ", style=styles.get(finding.severity, ""))
                line.append(finding.code, style="bold")
                line.append(f"  {where}{more}")
                console.print(line)
                console.print(Text(f"        {finding.message_en}"))
                console.print(Text(f"        {finding.message_zh}"))
    if unreadable:
        sys.exit(EXIT_UNREADABLE)
    if any(report.has_errors(strict) for report in reports):
        sys.exit(EXIT_FINDINGS)


# --- SPARQL across departments: query, publish, serve ---------------------------------------------------------


def _remote_results(endpoint: str, chosen: "Query", values: dict[str, str], err: Console) -> "Results":
    """The answer of a remote endpoint; publish (http.client, email, ssl: ~50 ms) is imported only here,
    so a query on the local store starts that much sooner."""
    from .publish import PublishError, credentials, remote_query

    try:
        return remote_query(endpoint, chosen, values, auth=credentials(endpoint))
    except PublishError as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_FINDINGS)


def _results_table(results: "object") -> RichTable:
    from .queries import Results, XSD

    assert isinstance(results, Results)
    numeric = {XSD + t for t in ("decimal", "integer", "double", "float", "long", "int")}
    table = RichTable(show_lines=False)
    for index, name in enumerate(results.variables):
        right = any(row[index] is not None and row[index].datatype in numeric for row in results.rows)  # type: ignore[union-attr]
        table.add_column(name, justify="right" if right else "left")
    for row in results.rows:
        table.add_row(*(Text("") if t is None else Text(t.value) for t in row))
    return table


@main.command()
@click.argument("query_spec", metavar="[NAME | FILE.rq | 'SPARQL']", required=False)
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("datapackages"),
              show_default=True, help="Build directory whose packages are queried (store kept in DIR/.opendata-store).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter declared in the query's header (repeatable); bound as a typed RDF term.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True,
              help="table (rich), or SPARQL 1.1 results as CSV, TSV or JSON.")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 query endpoint instead of the embedded store "
              "(credentials: OPENDATA_ENDPOINT_USER/OPENDATA_ENDPOINT_PASSWORD or .netrc).")
@click.option("--list", "list_queries", is_flag=True, help="List the ready-made queries and their parameters.")
def query(query_spec: str | None, directory: Path, params: tuple[str, ...], fmt: str, endpoint: str | None,
          list_queries: bool) -> None:
    """Run SPARQL over every package in --dir: a ready-made query by NAME, a .rq file or inline text.

    Example: opendata query totals-by-function --param code=206. Exit codes: 0 answered, 1 the
    endpoint failed, 2 usage (unknown query or parameter, bad value, store busy).
    """
    from .queries import QueryError, describe, ready_made, render, resolve
    from .store import StoreBusy, StoreUnavailable, open_store

    err = _console(stderr=True)
    if list_queries:
        known = ready_made()
        if fmt == "json":
            click.echo(json.dumps(describe(known), ensure_ascii=False, indent=1))
            return
        table = RichTable(title="ready-made queries (vocab/queries)")
        for column in ("name", "answers", "parameters"):
            table.add_column(column)
        for q in known:
            table.add_row(q.name, q.summary.split(": ")[0], ", ".join(f"{p.name}{'' if p.required else '?'} ({p.kind})"
                                                       for p in q.parameters))
        _console().print(table)
        return
    if not query_spec:
        err.print("error: name a query, a .rq file or SPARQL text (opendata query --list shows the ready-made ones)",
                  markup=False)
        sys.exit(EXIT_USAGE)
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            err.print(f"error: --param wants KEY=VALUE, got {item!r}", markup=False)
            sys.exit(EXIT_USAGE)
        values[key.strip()] = value
    try:
        chosen = resolve(query_spec)
        if endpoint:
            results = _remote_results(endpoint, chosen, values, err)
        else:
            with open_store(directory) as opened:
                done = opened.refreshed
                results = opened.query(chosen, values)
            if done.loaded or done.removed:
                err.print(f"store: loaded {len(done.loaded)}, removed {len(done.removed)}, unchanged {done.unchanged} "
                          f"package(s) in {done.seconds} s", markup=False)
            for name in done.conflicts:
                err.print(f"warning: {name} has the dataset IRI of another package; not loaded", markup=False)
    except (QueryError, StoreBusy, StoreUnavailable) as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    if fmt != "table" or results.triples is not None:
        sys.stdout.write(render(results, "json" if fmt == "table" else fmt))
        return
    if results.boolean is not None:
        click.echo("true" if results.boolean else "false")
        return
    console = _console()
    console.print(_results_table(results))
    console.print(f"{len(results.rows)} row(s)")


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("datapackages"))
@click.option("--endpoint", required=True, metavar="URL",
              help="SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store (oxigraph), .../ds/data (Fuseki).")
@click.option("--netrc", "netrc_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A .netrc file to take the credentials from (default ~/.netrc; the environment variables come first).")
@click.option("--retries", type=click.IntRange(min=1), default=6, show_default=True, help="Attempts per graph.")
@click.option("--max-time", type=click.FloatRange(min=0), default=120.0, show_default=True,
              help="Bound on the seconds spent retrying one graph.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, help="Seconds per request.")
@click.option("--dry-run", is_flag=True, help="Say what would be sent, send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def publish(directory: Path, endpoint: str, netrc_file: Path | None, retries: int, max_time: float, timeout: float,
            dry_run: bool, as_json: bool) -> None:
    """PUT each package in DIRECTORY (default ./datapackages) as its own named graph, and the vocabulary and
    code lists as one more, through the SPARQL 1.1 Graph Store HTTP Protocol; publishing again replaces.

    Credentials: OPENDATA_ENDPOINT_USER / OPENDATA_ENDPOINT_PASSWORD, else .netrc. Exit codes: 0 all sent,
    1 some graphs failed, 2 usage.
    """
    from .publish import PublishError, RetryPolicy, credentials, publish as run_publish

    err = _console(stderr=True)
    try:
        auth = credentials(endpoint, netrc_file=netrc_file)
        policy = RetryPolicy(attempts=retries, total=max_time, timeout=timeout)
        result = run_publish(directory, endpoint, auth=auth, policy=policy, dry_run=dry_run)
    except PublishError as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(result.to_data(), ensure_ascii=False, indent=1))
    else:
        table = RichTable(title=f"{'would send' if dry_run else 'sent'} to {result.to_data()['endpoint']}")
        for column, justify in (("graph", "left"), ("source", "left"), ("triples", "right"), ("bytes", "right"),
                                ("status", "right"), ("attempts", "right"), ("seconds", "right")):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for s in result.graphs:
            table.add_row(s.graph, s.source, str(s.triples), str(s.bytes), "—" if s.status is None else str(s.status),
                          str(s.attempts), f"{s.seconds:.3f}")
        console = _console()
        console.print(table)
        who = f", as {result.credentials}" if result.credentials else ""
        console.print(f"{len(result.graphs) - len(result.failed)} graph(s), {result.triples} triples, "
                      f"{result.bytes} bytes{' (dry run)' if dry_run else ''}{who}", markup=False)
    for s in result.failed:
        err.print(f"error: {s.graph}: {s.error}", markup=False)
    sys.exit(EXIT_FINDINGS if result.failed else EXIT_OK)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("datapackages"))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=7878, show_default=True)
@click.option("--cors", is_flag=True, help="Allow cross-origin requests (for a web UI on another origin).")
def serve(directory: Path, host: str, port: int, cors: bool) -> None:
    """Serve the packages of DIRECTORY as a read-only SPARQL endpoint (oxigraph) until interrupted.

    The store is refreshed first; queries see the union of the graphs as their default graph.
    """
    from .serve import ServerUnavailable, command, urls
    import signal
    import subprocess

    from .store import StoreBusy, StoreUnavailable, serving

    err = _console(stderr=True)
    try:
        with serving(directory) as (database, done):
            args = command(database, host, port, cors=cors)
            where = urls(host, port)
            err.print(f"store: {len(done.loaded)} loaded, {done.unchanged} unchanged, {len(done.removed)} removed",
                      markup=False)
            err.print(f"SPARQL endpoint {where['query']} (query page {where['page']}); Ctrl-C stops", markup=False)
            process = subprocess.Popen(args)
            signal.signal(signal.SIGTERM, _interrupt)  # stop the server with us, whichever signal
            try:
                code = process.wait()
            except KeyboardInterrupt:
                process.terminate()
                process.wait(timeout=10)
                code = 0
    except (StoreBusy, StoreUnavailable, ServerUnavailable) as error:
        err.print(f"error: {error}", markup=False)
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK if code == 0 else EXIT_USAGE)


def run() -> None:  # pragma: no cover - console entry point wrapper
    try:
        main()
    except OpendataError as error:
        _console(stderr=True).print(f"error: {error}")
        sys.exit(EXIT_USAGE)
