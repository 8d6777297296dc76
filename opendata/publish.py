"""Publishing packages to a SPARQL server, and querying one.

``publish(DIR, ENDPOINT)`` sends every package of a build directory through the SPARQL 1.1 Graph
Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/): one ``PUT`` per package, its
``data.nt`` as the named graph of its dataset IRI (the same graph names as the embedded store), and
one ``PUT`` of the vocabulary and code lists as :func:`opendata.store.vocabulary_graph`. ``PUT``
replaces a graph, so publishing again leaves one copy of every triple.

``remote_query(URL, query)`` runs a query on a SPARQL 1.1 Protocol endpoint
(https://www.w3.org/TR/sparql11-protocol/) with the same VALUES-bound text as the embedded store.

Credentials come from ``OPENDATA_ENDPOINT_USER`` / ``OPENDATA_ENDPOINT_PASSWORD`` or, failing
those, from ``~/.netrc`` (the machine of the endpoint), and are sent as HTTP Basic authentication.
Connection failures, timeouts and the answers 429, 500, 502, 503 and 504 are retried with
exponential backoff (honouring ``Retry-After``) within a bounded total time. Only the standard
library's urllib is used.
"""

from __future__ import annotations

import base64
import http.client
import json
import netrc
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import OpendataError
from .queries import Query, Results, bind, from_json

ENV_USER = "OPENDATA_ENDPOINT_USER"
ENV_PASSWORD = "OPENDATA_ENDPOINT_PASSWORD"
NTRIPLES = "application/n-triples"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_USER_AGENT = "opendata-publish/0.1 (+urllib)"


class PublishError(OpendataError):
    """A request to a SPARQL server failed for good (after the retries, or with a client error)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password for HTTP Basic authentication, and where they came from."""

    user: str
    password: str = field(repr=False)
    source: str  # "environment" | ".netrc"

    def header(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode("utf-8")).decode("ascii")
        return f"Basic {token}"


def credentials(url: str, environ: Mapping[str, str] | None = None, netrc_file: str | Path | None = None) -> Credentials | None:
    """Credentials for ``url``: the environment variables, else the .netrc entry of its host, else None."""
    environ = os.environ if environ is None else environ
    user = environ.get(ENV_USER)
    if user:
        return Credentials(user, environ.get(ENV_PASSWORD, ""), "environment")
    host = urllib.parse.urlsplit(url).hostname
    if not host:
        return None
    path = Path(netrc_file) if netrc_file else Path(environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as error:
        raise PublishError(f"cannot read {path}: {error}") from None
    if not entry:
        return None
    login, _account, password = entry
    return Credentials(login or "", password or "", ".netrc")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts, backoff (initial delay × factor^n, capped), a bound on the total time."""

    attempts: int = 6
    initial: float = 0.5
    factor: float = 2.0
    max_delay: float = 8.0
    total: float = 120.0
    timeout: float = 60.0  # per request

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.max_delay, self.initial * self.factor ** (attempt - 1))


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    content_type: str
    body: bytes
    attempts: int


class Client:
    """HTTP with retries and optional Basic authentication (urllib)."""

    def __init__(self, auth: Credentials | None = None, policy: RetryPolicy = RetryPolicy(),
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.auth = auth
        self.policy = policy
        self._sleep = sleep
        self._clock = clock

    def request(self, method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None) -> Response:
        policy = self.policy
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            request = urllib.request.Request(url, data=body, method=method)
            request.add_header("User-Agent", _USER_AGENT)
            for name, value in (headers or {}).items():
                request.add_header(name, value)
            if self.auth is not None:
                request.add_header("Authorization", self.auth.header())
            retry_after: float | None = None
            try:
                with urllib.request.urlopen(request, timeout=policy.timeout) as answer:
                    return Response(answer.status, answer.headers.get("Content-Type", ""), answer.read(), attempt)
            except urllib.error.HTTPError as error:
                text = error.read()[:500].decode("utf-8", "replace").strip()
                problem = f"{method} {_safe(url)}: HTTP {error.code} {error.reason}" + (f": {text}" if text else "")
                if error.code not in RETRY_STATUS:
                    raise PublishError(problem, error.code) from None
                retry_after = _retry_after(error.headers.get("Retry-After"))
                status: int | None = error.code
            except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
                # refused, reset, timed out, an answer cut short (IncompleteRead) or not HTTP (BadStatusLine)
                reason = getattr(error, "reason", None) or f"{type(error).__name__}: {error}"
                problem = f"{method} {_safe(url)}: {reason}"
                status = None
            wait = policy.delay(attempt) if retry_after is None else min(retry_after, policy.max_delay)
            elapsed = self._clock() - started
            if attempt >= policy.attempts or elapsed + wait > policy.total:
                raise PublishError(f"{problem} (gave up after {attempt} attempt(s), {elapsed:.1f} s)", status)
            self._sleep(wait)


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _safe(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        parts = parts._replace(netloc=netloc)
    return urllib.parse.urlunsplit(parts)


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph (indirect identification: ``?graph=IRI``)."""
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


# --- publishing --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """One graph: where it came from, how big it is, what the server said."""

    graph: str
    source: str
    triples: int
    bytes: int
    status: int | None = None  # None: not sent (dry run) or failed
    attempts: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What was sent to which endpoint."""

    endpoint: str
    graphs: tuple[Sent, ...]
    dry_run: bool = False
    credentials: str | None = None  # "user (source)", never the password

    @property
    def failed(self) -> tuple[Sent, ...]:
        return tuple(s for s in self.graphs if s.error is not None)

    @property
    def triples(self) -> int:
        return sum(s.triples for s in self.graphs if s.error is None)

    @property
    def bytes(self) -> int:
        return sum(s.bytes for s in self.graphs if s.error is None)

    def to_data(self) -> dict[str, Any]:
        return {
            "endpoint": _safe(self.endpoint),
            "dry_run": self.dry_run,
            "credentials": self.credentials,
            "graphs": [
                {"graph": s.graph, "source": s.source, "triples": s.triples, "bytes": s.bytes, "status": s.status,
                 "attempts": s.attempts, "seconds": s.seconds, "error": s.error}
                for s in self.graphs
            ],
            "sent": len(self.graphs) - len(self.failed),
            "failed": len(self.failed),
            "triples": self.triples,
            "bytes": self.bytes,
        }


def _count_lines(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))


def publish(directory: str | Path, endpoint: str, *, auth: Credentials | None = None,
            policy: RetryPolicy = RetryPolicy(), dry_run: bool = False, vocabulary: bool = True,
            progress: Callable[[Sent], None] | None = None) -> PublishResult:
    """PUT every package of ``directory`` (and the vocabulary) as its own named graph at ``endpoint``
    (a Graph Store Protocol URL, e.g. ``http://127.0.0.1:7878/store``). A failed graph is recorded
    and the others are still sent."""
    from .store import graph_of, packages, vocabulary_graph, vocabulary_ntriples

    directory = Path(directory)
    found = packages(directory)
    if not found:
        raise PublishError(f"no packages with data.nt in {directory} (build them with `opendata build --out {directory}`)")
    client = Client(auth, policy)
    items: list[tuple[str, str, Callable[[], bytes]]] = [
        (graph_of(p.path), f"{p.name}/data.nt", p.path.read_bytes) for p in found
    ]
    if vocabulary:
        items.append((vocabulary_graph(), "vocab/*.ttl, vocab/codelists/*.ttl", vocabulary_ntriples))
    sent: list[Sent] = []
    for graph, source, read in items:
        data = read()
        record = Sent(graph, source, _count_lines(data), len(data))
        if not dry_run:
            started = time.monotonic()
            try:
                answer = client.request("PUT", graph_url(endpoint, graph), data, {"Content-Type": NTRIPLES})
                record = Sent(graph, source, record.triples, record.bytes, answer.status, answer.attempts,
                              round(time.monotonic() - started, 3))
            except PublishError as error:
                record = Sent(graph, source, record.triples, record.bytes, error.status, 0,
                              round(time.monotonic() - started, 3), str(error))
        sent.append(record)
        if progress is not None:
            progress(record)
    who = f"{auth.user} ({auth.source})" if auth is not None else None
    return PublishResult(endpoint, tuple(sent), dry_run, who)


# --- querying a remote endpoint -------------------------------------------------------------------------


def remote_query(endpoint: str, query: Query, params: Mapping[str, str] | None = None, *,
                 auth: Credentials | None = None, policy: RetryPolicy = RetryPolicy()) -> Results:
    """Run ``query`` (parameters bound in VALUES, as in the embedded store) on a SPARQL 1.1 endpoint."""
    text = bind(query, params or {})
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
    }
    answer = Client(auth, policy).request("POST", endpoint, body, headers)
    kind = answer.content_type.split(";")[0].strip().lower()
    if kind in ("application/n-triples", "text/plain"):
        lines = sorted({line.strip() for line in answer.body.decode("utf-8").splitlines() if line.strip()})
        return Results(triples="".join(line + "\n" for line in lines))
    try:
        return from_json(json.loads(answer.body.decode("utf-8")))
    except (ValueError, KeyError) as error:
        raise PublishError(f"{_safe(endpoint)} did not answer with SPARQL JSON results ({kind}): {error}") from None
