"""Publishing to a real SPARQL server (oxigraph on a free port of 127.0.0.1): a named graph per package
through the Graph Store Protocol, publishing again without duplicates, the same answers over HTTP as
from the embedded store; `opendata serve`; credentials, retries and the bound on retrying."""

from __future__ import annotations

import http.server
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

pytest.importorskip("pyoxigraph")

import opendata
from opendata import store
from opendata.cli import main
from opendata.publish import (
    ENV_PASSWORD, ENV_USER, Client, Credentials, PublishError, RetryPolicy, credentials, graph_url, publish,
    remote_query,
)
from opendata.queries import parse, ready_made, resolve
from opendata.serve import ServerUnavailable, executable
from sparql_support import (
    DERIVED_DEPARTMENT, SAMPLE_DEPARTMENT, SCIENCE_YUAN, OxigraphServer, build_packages, free_port, wait_until_up,
)

try:
    executable()
except ServerUnavailable:  # pragma: no cover - the test extra is missing
    pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)", allow_module_level=True)

COUNT = parse("""# Triples in one graph.
# @param graph iri required the graph
SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }
""", "count")
TOTAL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
NEEDS = {"rollup": {"code": "206"}, "department-change": {"department": DERIVED_DEPARTMENT}}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_packages(tmp_path_factory.mktemp("publish") / "packages", [opendata.sample_path()])


@pytest.fixture()
def server() -> Iterator[OxigraphServer]:
    running = OxigraphServer()
    try:
        yield running
    finally:
        running.stop()


def _count(server: OxigraphServer, graph: str) -> int:
    return int(remote_query(server.query_url, COUNT, {"graph": graph}).records()[0]["n"])


def _total(server: OxigraphServer) -> int:
    return int(remote_query(server.query_url, parse(TOTAL, "total")).records()[0]["n"])


def test_publish_puts_each_package_as_its_own_graph_and_again_replaces(server: OxigraphServer, packages: Path) -> None:
    result = publish(packages, server.store_url, policy=RetryPolicy(total=30))
    assert not result.failed
    assert len(result.graphs) == len(store.packages(packages)) + 1  # and the vocabulary graph
    assert all(s.status in (200, 201, 204) for s in result.graphs)
    before = {s.graph: _count(server, s.graph) for s in result.graphs}
    for sent in result.graphs:
        assert before[sent.graph] == sent.triples > 0
    assert before[store.vocabulary_graph()] > 1000
    total = _total(server)
    assert total == sum(before.values())

    again = publish(packages, server.store_url)
    assert not again.failed
    after = {s.graph: _count(server, s.graph) for s in again.graphs}
    assert after == before  # PUT replaced: no duplicated triples
    assert _total(server) == total


def test_the_endpoint_answers_as_the_embedded_store(server: OxigraphServer, packages: Path) -> None:
    publish(packages, server.store_url)
    with store.open_store(packages) as opened:
        for query in ready_made():
            params = NEEDS.get(query.name, {})
            local = opened.query(query, params)
            remote = remote_query(server.query_url, query, params)
            assert remote == local, query.name
        science = opened.query(resolve("totals-by-function"), {"code": "206", "department": SAMPLE_DEPARTMENT})
    assert science.records()[0]["total_yuan"] == SCIENCE_YUAN
    over_http = remote_query(server.query_url, resolve("totals-by-function"),
                             {"code": "206", "department": SAMPLE_DEPARTMENT})
    assert over_http == science


def test_cli_publish_and_query_endpoint(server: OxigraphServer, packages: Path) -> None:
    runner = CliRunner()
    sent = runner.invoke(main, ["publish", str(packages), "--endpoint", server.store_url, "--json"],
                         env={ENV_USER: "", ENV_PASSWORD: ""})
    assert sent.exit_code == 0, sent.stderr
    summary = json.loads(sent.stdout)
    assert summary["failed"] == 0 and summary["sent"] == 3 and summary["triples"] == _total(server)
    answer = runner.invoke(main, ["query", "totals-by-function", "--endpoint", server.query_url, "--param", "code=206",
                                  "--param", f"department={SAMPLE_DEPARTMENT}", "--format", "csv"])
    assert answer.exit_code == 0, answer.stderr
    assert answer.stdout.splitlines()[1] == f"206,科学技术支出,2024,budget,1,{SCIENCE_YUAN},4062.16"


def test_cli_publish_dry_run_sends_nothing(server: OxigraphServer, packages: Path) -> None:
    result = CliRunner().invoke(main, ["publish", str(packages), "--endpoint", server.store_url, "--dry-run"])
    assert result.exit_code == 0 and "(dry run)" in result.stdout
    assert _total(server) == 0


def test_serve_answers_over_http_like_the_embedded_store(packages: Path) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "opendata", "serve", str(packages), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        query = resolve("basic-vs-project")
        remote = remote_query(f"http://127.0.0.1:{port}/query", query)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert remote == store.run(packages, query)
    assert {SAMPLE_DEPARTMENT, DERIVED_DEPARTMENT} == set(remote.column("department_name"))


# --- credentials and retries (a local endpoint that fails on purpose) --------------------------------------


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 to the first ``failures`` requests, then 201; records the Authorization headers."""

    failures = 0
    retry_after: str | None = "0"
    seen: list[str | None] = []

    def do_PUT(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).seen.append(self.headers.get("Authorization"))
        if len(type(self).seen) <= type(self).failures:
            self.send_response(503)
            if type(self).retry_after is not None:
                self.send_header("Retry-After", type(self).retry_after)
        else:
            self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def flaky() -> Iterator[tuple[str, type[_Flaky]]]:
    handler = type("Flaky", (_Flaky,), {"failures": 2, "seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/store", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_retries_with_backoff_and_sends_basic_auth(flaky: tuple[str, type[_Flaky]]) -> None:
    url, handler = flaky
    waits: list[float] = []
    client = Client(Credentials("alice", "s3cret", "environment"), RetryPolicy(initial=0.5, factor=2), sleep=waits.append)
    answer = client.request("PUT", graph_url(url, "https://example.org/g"), b"", {"Content-Type": "application/n-triples"})
    assert answer.status == 201 and answer.attempts == 3
    assert waits == [0.0, 0.0]  # Retry-After: 0 honoured
    assert handler.seen == ["Basic YWxpY2U6czNjcmV0"] * 3


def test_backoff_grows_and_the_total_time_is_bounded(flaky: tuple[str, type[_Flaky]]) -> None:
    url, handler = flaky
    handler.failures = 100
    handler.retry_after = None
    policy = RetryPolicy(attempts=50, initial=0.5, factor=2.0, max_delay=8.0, total=10.0)
    assert [policy.delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    client = Client(None, policy, sleep=sleep, clock=lambda: clock[0])
    with pytest.raises(PublishError, match="gave up after") as error:
        client.request("PUT", url, b"")
    assert error.value.status == 503
    assert waits == [0.5, 1.0, 2.0, 4.0]  # the next wait (8 s) would pass the 10 s bound
    assert clock[0] <= policy.total and len(handler.seen) == 5
    assert all(auth is None for auth in handler.seen)


def test_unreachable_endpoint_is_reported_per_graph(packages: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    result = CliRunner().invoke(main, ["publish", str(packages), "--endpoint", url, "--retries", "2", "--max-time", "1"])
    assert result.exit_code == 1
    assert "gave up after 2 attempt(s)" in result.stderr


def test_client_errors_are_not_retried(flaky: tuple[str, type[_Flaky]]) -> None:
    url, handler = flaky
    with pytest.raises(PublishError) as error:
        Client(None, RetryPolicy(), sleep=lambda s: None).request("POST", url, b"")  # no do_POST: 501
    assert error.value.status == 501 and handler.seen == []


def test_credentials_from_the_environment_first_then_netrc(tmp_path: Path) -> None:
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine sparql.example.org login bob password hunter2\n", encoding="utf-8")
    netrc_file.chmod(0o600)
    url = "https://sparql.example.org/store"
    from_env = credentials(url, {ENV_USER: "alice", ENV_PASSWORD: "pw"}, netrc_file)
    assert (from_env.user, from_env.password, from_env.source) == ("alice", "pw", "environment")  # type: ignore[union-attr]
    from_netrc = credentials(url, {}, netrc_file)
    assert (from_netrc.user, from_netrc.password, from_netrc.source) == ("bob", "hunter2", ".netrc")  # type: ignore[union-attr]
    assert credentials("https://other.example.org/store", {}, netrc_file) is None
    assert "hunter2" not in repr(from_netrc)
