"""`opendata publish` against servers that fail: a port nobody listens on, a server answering 500, one that
never answers, one that drops the connection half-way through the request or the answer, a proxy that cuts
an upload to a real oxigraph server half-way. Each run: retries, then exit 1 and an error line naming every
graph not published, no traceback, within a time bound; publishing again completes; no graph on the real
server is ever left half-replaced."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

pytest.importorskip("pyoxigraph")
import pyoxigraph  # noqa: E402

import opendata  # noqa: E402
from opendata.build import BuildOptions, build  # noqa: E402
from opendata.serve import ServerUnavailable, executable  # noqa: E402
from opendata.store import graph_of, packages, vocabulary_graph  # noqa: E402
from sparql_support import OxigraphServer, free_port  # noqa: E402

try:
    executable()
except ServerUnavailable:  # pragma: no cover - the test extra is missing
    pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)", allow_module_level=True)

TIME_BOUND = 120
RETRIES = 3


# --- a server that fails on purpose ----------------------------------------------------------------

class FaultServer:
    """A TCP server on a free port of 127.0.0.1 that reads HTTP requests and fails them by ``mode``.

    ``500``: answers 500. ``silent``: reads the request and never answers. ``drop-request``: reads half the
    body, then closes. ``drop-answer``: answers 201 with a Content-Length longer than what it sends, then
    closes. ``garbage``: answers with a line that is not HTTP. ``cut-upload``: forwards the headers and half
    the body to ``upstream`` (a real server), then closes both connections. ``proxy``: forwards whole
    requests to ``upstream`` and relays the answers, except for graphs listed in ``fail_graphs`` (500).
    """

    def __init__(self, mode: str, upstream: str | None = None, fail_graphs: frozenset[str] = frozenset()) -> None:
        self.mode = mode
        self.upstream = upstream
        self.fail_graphs = fail_graphs
        self.requests: list[str] = []  # the graph IRI of each request, in order
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/store"
        self.threads: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            worker = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            worker.start()
            self.threads.append(worker)

    def _read_head(self, connection: socket.socket) -> tuple[bytes, bytes]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        return head + b"\r\n\r\n", rest

    def _read_body(self, connection: socket.socket, head: bytes, rest: bytes, limit: int | None = None) -> bytes:
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        want = length if limit is None else min(length, limit)
        body = rest
        while len(body) < want:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        return body[:want] if limit is not None else body

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(30)
            try:
                head, rest = self._read_head(connection)
                target = head.split(b" ", 2)[1].decode()
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query).get("graph", [""])[0]
                self.requests.append(graph)
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                if self.mode == "drop-request":
                    self._read_body(connection, head, rest, limit=length // 2)
                    connection.shutdown(socket.SHUT_RDWR)
                    return
                if self.mode == "cut-upload":
                    body = self._read_body(connection, head, rest, limit=length // 2)
                    with socket.create_connection(self._upstream_address()) as upstream:
                        upstream.sendall(head + body)
                        upstream.shutdown(socket.SHUT_RDWR)
                    connection.shutdown(socket.SHUT_RDWR)
                    return
                body = self._read_body(connection, head, rest)
                if self.mode == "500" or (self.mode == "proxy" and graph in self.fail_graphs):
                    connection.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n"
                                       b"Connection: close\r\n\r\noops!")
                elif self.mode == "silent":
                    self.stop.wait(60)
                elif self.mode == "drop-answer":
                    connection.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 1000\r\n\r\npartial")
                    connection.shutdown(socket.SHUT_RDWR)
                elif self.mode == "garbage":
                    connection.sendall(b"\x00\x01 this is not HTTP\r\n\r\n")
                    connection.shutdown(socket.SHUT_RDWR)
                elif self.mode == "proxy":
                    connection.sendall(self._forward(head, body))
            except OSError:
                pass

    def _upstream_address(self) -> tuple[str, int]:
        parts = urllib.parse.urlsplit(self.upstream)
        return parts.hostname, parts.port

    def _forward(self, head: bytes, body: bytes) -> bytes:
        lines = [line for line in head.split(b"\r\n") if line and not line.lower().startswith(b"connection:")]
        request = b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body
        with socket.create_connection(self._upstream_address()) as upstream:
            upstream.sendall(request)
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        return answer

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.listener.close()
        for worker in self.threads:
            worker.join(timeout=5)


@pytest.fixture()
def fault() -> Iterator[type[FaultServer]]:
    made: list[FaultServer] = []

    def make(*args: object, **kwargs: object) -> FaultServer:
        server = FaultServer(*args, **kwargs)  # type: ignore[arg-type]
        made.append(server)
        return server

    yield make  # type: ignore[misc]
    for server in made:
        server.close()


@pytest.fixture()
def oxigraph() -> Iterator[OxigraphServer]:
    running = OxigraphServer()
    try:
        yield running
    finally:
        running.stop()


# --- two versions of the same packages --------------------------------------------------------------

def _changed_sample(folder: Path) -> Path:
    """The sample with one figure changed: the same package names and graphs, other triples."""
    text = opendata.sample_path().read_text(encoding="utf-8")
    assert text.count("2541.51") >= 1
    path = folder / opendata.sample_path().name
    path.write_text(text.replace("2541.51", "2541.71", 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("publish-faults")
    old, new = root / "old", root / "new"
    build([opendata.sample_path()], old, BuildOptions(fsync=False, issued="2024-01-01"))
    (root / "src").mkdir()
    build([_changed_sample(root / "src")], new, BuildOptions(fsync=False, issued="2025-01-01"))
    assert [p.name for p in packages(old)] == [p.name for p in packages(new)]
    return {"old": old, "new": new}


def graphs_of(directory: Path) -> list[str]:
    return [graph_of(p.path) for p in packages(directory)] + [vocabulary_graph()]


def triples(data: bytes) -> set[str]:
    """The triples of N-Triples data as a store keeps them (literals in canonical form: 1001.60 is 1001.6)."""
    store = pyoxigraph.Store()
    store.load(data, pyoxigraph.RdfFormat.N_TRIPLES)
    return {f"{q.subject} {q.predicate} {q.object}" for q in store}


def remote_graph(server: OxigraphServer, graph: str) -> set[str]:
    url = f"{server.store_url}?graph={urllib.parse.quote(graph, safe='')}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return triples(answer.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return set()
        raise


def publish(directory: Path, endpoint: str, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "opendata", "publish", str(directory), "--endpoint", endpoint,
            "--retries", str(RETRIES), "--max-time", "10", "--timeout", "1", *extra]
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=TIME_BOUND)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`opendata publish` did not finish within {TIME_BOUND} s")
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def assert_all_failed(result: subprocess.CompletedProcess[str], graphs: list[str]) -> None:
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for graph in graphs:
        assert any(line.startswith(f"error: {graph}: ") for line in errors), f"{graph} not named: {result.stderr}"
    assert len(errors) == len(graphs), result.stderr


# --- every graph fails ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["500", "silent", "drop-request", "drop-answer", "garbage"])
def test_a_failing_server_gets_retries_then_a_clear_error_per_graph(versions: dict[str, Path], fault, mode: str,
                                                                    oxigraph: OxigraphServer) -> None:
    server = fault(mode)
    graphs = graphs_of(versions["new"])
    result = publish(versions["new"], server.url)
    assert_all_failed(result, graphs)
    for graph in graphs:
        assert server.requests.count(graph) == RETRIES, f"{graph}: {server.requests.count(graph)} attempts"
    assert f"gave up after {RETRIES} attempt(s)" in result.stderr
    # the job is completed by publishing again, once a server answers
    again = publish(versions["new"], oxigraph.store_url)
    assert again.returncode == 0, again.stderr
    for package in packages(versions["new"]):
        assert remote_graph(oxigraph, graph_of(package.path)) == triples(package.path.read_bytes())


def test_a_port_nobody_listens_on(versions: dict[str, Path], oxigraph: OxigraphServer) -> None:
    graphs = graphs_of(versions["new"])
    result = publish(versions["new"], f"http://127.0.0.1:{free_port()}/store")
    assert_all_failed(result, graphs)
    assert "gave up after" in result.stderr and "refused" in result.stderr.lower()


# --- a real server behind a failing link -------------------------------------------------------------------

def test_an_upload_cut_half_way_leaves_the_old_graph_whole(versions: dict[str, Path], fault,
                                                           oxigraph: OxigraphServer) -> None:
    first = publish(versions["old"], oxigraph.store_url)
    assert first.returncode == 0, first.stderr
    old = {p.name: triples(p.path.read_bytes()) for p in packages(versions["old"])}
    new = {p.name: triples(p.path.read_bytes()) for p in packages(versions["new"])}
    assert old != new
    cutter = fault("cut-upload", upstream=oxigraph.base)
    result = publish(versions["new"], cutter.url)
    assert_all_failed(result, graphs_of(versions["new"]))
    for package in packages(versions["old"]):
        assert remote_graph(oxigraph, graph_of(package.path)) == old[package.name], "graph half-replaced"
    again = publish(versions["new"], oxigraph.store_url)
    assert again.returncode == 0, again.stderr
    for package in packages(versions["new"]):
        assert remote_graph(oxigraph, graph_of(package.path)) == new[package.name]


def test_only_the_failed_graph_is_named_and_publishing_again_finishes_it(versions: dict[str, Path], fault,
                                                                           oxigraph: OxigraphServer) -> None:
    assert publish(versions["old"], oxigraph.store_url).returncode == 0
    package = packages(versions["new"])[0]
    failing = graph_of(package.path)
    proxy = fault("proxy", upstream=oxigraph.base, fail_graphs=frozenset({failing}))
    result = publish(versions["new"], proxy.url, "--json")
    assert_all_failed(result, [failing])
    summary = json.loads(result.stdout)
    assert summary["failed"] == 1 and [g["graph"] for g in summary["graphs"] if g["error"]] == [failing]
    assert remote_graph(oxigraph, failing) == triples((versions["old"] / package.name / "data.nt").read_bytes())
    again = publish(versions["new"], oxigraph.store_url)
    assert again.returncode == 0, again.stderr
    assert remote_graph(oxigraph, failing) == triples(package.path.read_bytes())
