"""Deterministic N-Triples, Turtle and JSON-LD writers for a set of pre-formatted triples.

No RDF library in the hot path: a triple is ``(subject, predicate, object)`` where subject and
predicate are IRIs (``str``) and the object is an IRI or a ``Lit``. Output is sorted (subject,
predicate, object in N-Triples order), so the same triples always give the same bytes. Turtle
and JSON-LD use the prefixes and terms of vocab/context.jsonld; the JSON-LD embeds that context
inline, so it parses without network access.

Two ways in: a list of triples (``sort_triples``, ``group``, then ``ntriples``, ``turtle``,
``jsonld``; the catalogue and code lists), and a disclosure's nodes (``write_nodes`` for all
three, ``ntriples_of``; rdf.render, the hot path). Both give the same bytes for the same graph
(tests/test_serialise.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, Iterable, NamedTuple, Union

from ..vocab import vocab_dir

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = XSD + "string"


class Lit(NamedTuple):
    """A literal: lexical form, datatype IRI (``None`` for xsd:string or a language string), language."""

    lex: str
    datatype: str | None = None
    lang: str | None = None


Term = Union[str, Lit]
Triple = tuple[str, str, Term]

_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NT_ESCAPE = re.compile(r'[\\"\n\r\t\b\f]')
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def escape_string(text: str) -> str:
    return _NT_ESCAPE.sub(lambda m: _NT_ESCAPES[m.group(0)], text)


def nt_iri(iri: str) -> str:
    if _IRI_BAD.search(iri):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def nt_term(term: Term) -> str:
    if isinstance(term, str):
        return nt_iri(term)
    text = f'"{escape_string(term.lex)}"'
    if term.lang:
        return f"{text}@{term.lang}"
    if term.datatype and term.datatype != XSD_STRING:
        return f"{text}^^<{term.datatype}>"
    return text


@dataclass(frozen=True, slots=True)
class Context:
    """The JSON-LD context of vocab/context.jsonld: prefixes and coerced terms."""

    raw: dict[str, object]
    prefixes: tuple[tuple[str, str], ...]  # (prefix, namespace), longest namespace first
    terms: dict[str, tuple[str, str | None]]  # property IRI -> (term, coercion: "@id" | datatype | None)


def _expand(value: str, prefixes: dict[str, str]) -> str:
    if ":" in value:
        prefix, local = value.split(":", 1)
        if prefix in prefixes and not local.startswith("//"):
            return prefixes[prefix] + local
    return value


@cache
def context() -> Context:
    raw = json.loads((vocab_dir() / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in raw.items() if isinstance(v, str) and not k.startswith("@") and v[-1:] in "/#"}
    terms: dict[str, tuple[str, str | None]] = {}
    for key, value in raw.items():
        if isinstance(value, dict) and "@id" in value:
            iri = _expand(value["@id"], prefixes)
            coercion = value.get("@type")
            if coercion is not None and coercion != "@id":
                coercion = _expand(coercion, prefixes)
            if iri in terms:
                raise ValueError(f"context.jsonld defines two terms for {iri}")
            terms[iri] = (key, coercion)
    ordered = tuple(sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    return Context(raw=raw, prefixes=ordered, terms=terms)


# A local name we are happy to write as prefix:local in Turtle and JSON-LD (a conservative
# subset of Turtle's PN_LOCAL: no escapes needed, no trailing dot).
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


@cache
def _prefix_of_namespace() -> dict[str, str]:
    """Namespace -> prefix; of two prefixes for one namespace, the first in ``context().prefixes``."""
    found: dict[str, str] = {}
    for prefix, namespace in context().prefixes:
        found.setdefault(namespace, prefix)
    return found


def compact(iri: str) -> str | None:
    """``prefix:local`` for an IRI under a known namespace, or ``None``.

    Every namespace ends in ``/`` or ``#`` and a local name has neither, so the only candidate
    namespace is the IRI up to its last ``/`` or ``#``: one dict lookup instead of a scan of all
    prefixes (and no per-IRI cache that grows with every disclosure built)."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _prefix_of_namespace().get(iri[:cut]) if cut else None
    if prefix is None:
        return None
    local = iri[cut:]
    if local == "" or _LOCAL.match(local):
        return f"{prefix}:{local}"
    return None


def sort_triples(triples: Iterable[Triple]) -> list[tuple[str, Triple]]:
    """Unique triples with their N-Triples line, in the canonical order."""
    iris: dict[str, str] = {}
    literals: dict[Lit, str] = {}
    lines: dict[str, Triple] = {}
    for triple in triples:
        s, p, o = triple
        subject = iris.get(s)
        if subject is None:
            subject = iris[s] = nt_iri(s)
        predicate = iris.get(p)
        if predicate is None:
            predicate = iris[p] = nt_iri(p)
        if isinstance(o, str):
            obj = iris.get(o)
            if obj is None:
                obj = iris[o] = nt_iri(o)
        else:
            obj = literals.get(o)
            if obj is None:
                obj = literals[o] = nt_term(o)
        lines[f"{subject} {predicate} {obj} .\n"] = triple
    return sorted(lines.items())


def ntriples(ordered: list[tuple[str, Triple]]) -> bytes:
    return "".join(line for line, _ in ordered).encode("utf-8")


_TTL_INTEGER = re.compile(r"^[+-]?(?:0|[1-9][0-9]*)$")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_json_string = json.encoder.encode_basestring  # what _encode does for a str, without its Python-level call

# The writers put their output together from UTF-8 pieces: each distinct term is encoded once,
# instead of encoding the whole text at the end (where every line repeats its subject's IRI).


class _Forms(NamedTuple):
    """One term written in every syntax, UTF-8 (worked out once per term and document)."""

    nt: bytes  # N-Triples
    ttl: bytes  # Turtle: prefixed where possible, integers and booleans bare
    json: bytes  # JSON-LD value under a term whose coercion it fits (of an IRI: its "@id"; of a literal: its lexical form)
    plain: bytes  # JSON-LD value under a term without coercion
    fits: str | None  # the coercion it fits: "@id" for an IRI, the datatype of a literal without language, else ""


def _forms(term: Term) -> _Forms:
    """``term`` in N-Triples, Turtle and JSON-LD (JSON texts as ``json.dumps`` writes them with
    compact separators, put together by hand: the encoder's dict path is slow)."""
    if isinstance(term, str):
        nt = nt_iri(term).encode()
        short = compact(term)
        # a checked IRI has no character JSON escapes (no quote, backslash or control character)
        name = _json_string(short).encode() if short else b'"' + term.encode() + b'"'
        return _Forms(nt, short.encode() if short else nt, name, b'{"@id":' + name + b"}", "@id")
    text = f'"{escape_string(term.lex)}"'
    value = _json_string(term.lex)
    fits = "" if term.lang is not None else term.datatype
    if term.lang:
        tagged = f"{text}@{term.lang}".encode()
        plain = f'{{"@value":{value},"@language":{_json_string(term.lang)}}}'
        return _Forms(tagged, tagged, value.encode(), plain.encode(), fits)
    datatype = term.datatype
    if datatype and datatype != XSD_STRING:
        nt_suffix, ttl_suffix, json_type, bare = _DATATYPES[datatype]
        ttl = term.lex if bare is not None and bare(term.lex) else text + ttl_suffix
        plain = f'{{"@value":{value},"@type":{json_type}}}'
        return _Forms(f"{text}{nt_suffix}".encode(), ttl.encode(), value.encode(), plain.encode(), fits)
    quoted, value_bytes = text.encode(), value.encode()
    return _Forms(quoted, quoted, value_bytes, value_bytes, fits)


def _integer_bare(lex: str) -> bool:
    return _TTL_INTEGER.match(lex) is not None and not lex.startswith("+")


def _boolean_bare(lex: str) -> bool:
    return lex in ("true", "false")


def _datatype(datatype: str) -> tuple[str, str, str, Callable[[str], bool] | None]:
    """What a literal of ``datatype`` adds after its quoted form: in N-Triples, in Turtle, the JSON
    text of its ``@type``, and which lexical forms Turtle writes bare (integers, booleans)."""
    bare = {XSD + "integer": _integer_bare, XSD + "boolean": _boolean_bare}.get(datatype)
    return f"^^<{datatype}>", f"^^{_ttl_iri(datatype)}", _encode(compact(datatype) or datatype), bare


def _ttl_iri(iri: str) -> str:
    return compact(iri) or nt_iri(iri)


class _Memo(dict):  # type: ignore[type-arg]
    """key -> ``make(key)``, computed on first use (``memo[key]`` is a C-level lookup on hits)."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._make(key)
        return value


_DATATYPES: _Memo = _Memo(_datatype)  # datatypes come from the vocabulary: a small, bounded set

Group = tuple[str, list[tuple[str, list[Term]]]]  # (subject, [(predicate, [objects])])


def group(ordered: list[tuple[str, Triple]]) -> list[Group]:
    """Triples in canonical order grouped by subject and predicate (they are contiguous there)."""
    groups: list[Group] = []
    last_s: str | None = None
    last_p: str | None = None
    predicates: list[tuple[str, list[Term]]] = []
    objects: list[Term] = []
    for _, (s, p, o) in ordered:
        if s != last_s:
            predicates = []
            groups.append((s, predicates))
            last_s, last_p = s, None
        if p != last_p:
            objects = [o]
            predicates.append((p, objects))
            last_p = p
        else:
            objects.append(o)
    return groups


def _types_first(predicates: list[tuple[str, list[Term]]]) -> list[tuple[str, list[Term]]]:
    for index, (predicate, _) in enumerate(predicates):
        if predicate == RDF_TYPE:
            return [predicates[index], *predicates[:index], *predicates[index + 1:]] if index else predicates
    return predicates


def _turtle_head(header: str) -> list[bytes]:
    out: list[str] = []
    if header:
        out.extend(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    width = max(len(p) for p, _ in context().prefixes)
    for prefix, namespace in sorted(context().prefixes):
        out.append(f"@prefix {prefix + ':':<{width + 1}} <{namespace}> .\n")
    return ["".join(out).encode()]


def _verb(predicate: str) -> bytes:
    """``    verb `` of a predicate in Turtle (``a`` for rdf:type)."""
    return f"    {'a' if predicate == RDF_TYPE else _ttl_iri(predicate)} ".encode()


_VERBS: _Memo = _Memo(_verb)  # predicates come from the vocabulary: a small, bounded set
_TTL_ENDS = (b" ;\n", b" .\n")  # after a predicate's objects: more to come, or the last of the subject


def _turtle_objects(verb: bytes, objects: list[_Forms], end: bytes, extend: Callable[[Iterable[bytes]], None]) -> None:
    """``verb`` (``    verb ``) and its ``objects``, then ``end`` (one of ``_TTL_ENDS``)."""
    if len(objects) == 1:
        extend((verb, objects[0].ttl, end))
        return
    extend((verb.rstrip(b" "), b"\n"))
    for o in objects[:-1]:
        extend((b"        ", o.ttl, b" ,\n"))
    extend((b"        ", objects[-1].ttl, end))


def turtle(groups: list[Group], header: str = "") -> bytes:
    """Turtle grouped by subject (``a`` first, then predicates in order), with all prefixes."""
    out = _turtle_head(header)
    forms = _Memo(_forms)
    extend = out.extend
    for subject, predicates in groups:
        extend((b"\n", forms[subject].ttl, b"\n"))
        last = len(predicates) - 1
        for index, (predicate, objects) in enumerate(_types_first(predicates)):
            _turtle_objects(_VERBS[predicate], [forms[o] for o in objects], _TTL_ENDS[index == last], extend)
    return b"".join(out)


@dataclass(frozen=True, slots=True)
class _JsonKey:
    """How one predicate is written in JSON-LD: ``,"term":`` (``b""`` if it has no term) and the
    term's coercion, and ``,"prefix:local":`` used for objects that do not fit the term."""

    term: bytes
    coercion: str | None
    fallback: bytes


def _json_key(predicate: str) -> _JsonKey:
    term, coercion = context().terms.get(predicate, (None, None))
    return _JsonKey(
        f",{_encode(term)}:".encode() if term else b"", coercion, f",{_encode(compact(predicate) or predicate)}:".encode()
    )


_JSON_KEYS: _Memo = _Memo(_json_key)  # predicates come from the vocabulary: a small, bounded set


def _json_head(subject: _Forms, types: list[_Forms]) -> list[bytes]:
    head = [b'{"@id":', subject.json]
    if len(types) == 1:
        head += (b',"@type":', types[0].json)
    elif types:
        head += (b',"@type":[', b",".join(o.json for o in types), b"]")
    return head


def _json_node(head: list[bytes], predicates: Iterable[tuple[str, list[_Forms]]]) -> bytes:
    """One node object: ``head`` (``{"@id":…`` and ``"@type"``), then its properties with keys in
    sorted order; an object that does not fit its term's coercion goes under the full IRI."""
    props: dict[bytes, list[bytes]] = {}
    for predicate, objects in predicates:
        key = _JSON_KEYS[predicate]
        coercion = key.coercion
        for o in objects:
            if not key.term:
                name, text = key.fallback, o.plain
            elif coercion is None:
                name, text = key.term, o.plain
            elif o.fits == coercion:
                name, text = key.term, o.json
            else:
                name, text = key.fallback, o.plain
            found = props.get(name)
            if found is None:
                props[name] = [text]
            else:
                found.append(text)
    # ,"key": sorts as the key does: no quoted key is a prefix of another, and UTF-8 keeps the order
    for name in sorted(props):
        found = props[name]
        head += (name, found[0]) if len(found) == 1 else (name, b"[", b",".join(found), b"]")
    head.append(b"}")
    return b"".join(head)


@cache
def _jsonld_head() -> bytes:
    """The start of every JSON-LD document, up to its graph: the context inline (made once, not per
    document: ``json.dumps`` with an indent takes the pure-Python encoder, ~0.2 ms)."""
    context_text = json.dumps(context().raw, ensure_ascii=False, indent=1).encode()
    return b'{"@context": ' + context_text + b',\n"@graph": [\n'


def _jsonld_document(lines: list[bytes]) -> bytes:
    return _jsonld_head() + b",\n".join(lines) + b"\n]}\n"


def jsonld(groups: list[Group]) -> bytes:
    """JSON-LD: the context inline, then an ``@graph`` of node objects sorted by ``@id``, one per line.

    The JSON text is put together from cached pieces (each distinct value is encoded once); it is
    what ``json.dumps`` gives for the same node with compact separators and keys in sorted order."""
    forms = _Memo(_forms)
    lines: list[bytes] = []
    for subject, predicates in groups:
        types: list[_Forms] = []
        props: list[tuple[str, list[_Forms]]] = []
        for predicate, objects in predicates:
            if predicate == RDF_TYPE:
                types = [forms[o] for o in objects]
            else:
                props.append((predicate, [forms[o] for o in objects]))
        lines.append(_json_node(_json_head(forms[subject], types), props))
    return _jsonld_document(lines)


# --- nodes: the fast path of rdf.render ---------------------------------------------------------

Nodes = dict[str, dict[str, list[Term]]]  # subject -> predicate -> objects, in any order, duplicates allowed


@dataclass(frozen=True, slots=True)
class _Shape:
    """How to write a node whose predicates are these (in the node's own order), worked out once:
    a document has thousands of nodes but only a few dozen shapes (every observation has one)."""

    nt: tuple[tuple[str, bytes], ...]  # (predicate, b" <predicate> ") in N-Triples order
    ttl: tuple[tuple[int, bytes, bytes], ...]  # (position in nt, verb, end) with rdf:type first
    types: int  # position of rdf:type in nt, or -1
    # (position in nt, ,"key":, coercion) sorted by key, for nodes whose objects all fit their
    # term; None when two predicates share a key (every node of this shape takes the general path)
    json: tuple[tuple[int, bytes, str | None], ...] | None


def _shape(predicates: tuple[str, ...]) -> _Shape:
    ordered = sorted(predicates, key=nt_iri)
    nt = tuple((p, f" {nt_iri(p)} ".encode()) for p in ordered)
    positions = list(range(len(ordered)))
    types = ordered.index(RDF_TYPE) if RDF_TYPE in ordered else -1
    if types > 0:
        positions = [types, *positions[:types], *positions[types + 1:]]
    last = len(positions) - 1
    ttl = tuple((i, _VERBS[ordered[i]], _TTL_ENDS[k == last]) for k, i in enumerate(positions))
    keys = [(i, _JSON_KEYS[p]) for i, p in enumerate(ordered) if p != RDF_TYPE]
    entries = [(i, key.term or key.fallback, key.coercion if key.term else None) for i, key in keys]
    names = {name for _, name, _ in entries}
    plan = tuple(sorted(entries, key=lambda entry: entry[1])) if len(names) == len(entries) else None
    return _Shape(nt=nt, ttl=ttl, types=types, json=plan)



_SHAPES: _Memo = _Memo(_shape)  # keyed by a node's predicates in order: bounded by the builder's code paths
_NT_END = b" .\n"


def _nt_bytes(term: Term) -> bytes:
    return nt_term(term).encode()


def ntriples_of(nodes: Nodes) -> bytes:
    """N-Triples of ``nodes``: the same bytes as ``ntriples(sort_triples(...))`` of their triples.
    Sorting each level on its N-Triples form gives exactly the order of sorting whole lines,
    because ``>`` closes every IRI and occurs in none (and UTF-8 keeps the order of the text)."""
    nt = _Memo(_nt_bytes)
    out: list[bytes] = []
    extend = out.extend
    for s_nt, subject in sorted((nt[s], s) for s in nodes):
        props = nodes[subject]
        for predicate, p_nt in _SHAPES[tuple(props)].nt:
            objects = props[predicate]
            if len(objects) == 1:
                extend((s_nt, p_nt, nt[objects[0]], _NT_END))
            else:
                for o_nt in sorted({nt[o] for o in objects}):
                    extend((s_nt, p_nt, o_nt, _NT_END))
    return b"".join(out)


def write_nodes(nodes: Nodes, *, header: str = "") -> tuple[bytes, bytes, bytes, int]:
    """Turtle, JSON-LD and N-Triples of ``nodes`` and the number of triples, in one pass over the
    nodes in canonical order (see ``ntriples_of``): the same bytes as ``turtle``, ``jsonld`` and
    ``ntriples`` of ``group(sort_triples(...))`` of their triples."""
    forms = _Memo(_forms)
    nt_out: list[bytes] = []
    ttl_out = _turtle_head(header)
    json_lines: list[bytes] = []
    nt_extend, ttl_extend, json_append = nt_out.extend, ttl_out.extend, json_lines.append
    count = 0
    for s_nt, subject in sorted((forms[s].nt, s) for s in nodes):
        props = nodes[subject]
        shape = _SHAPES[tuple(props)]
        # N-Triples; each predicate's objects kept as forms, in N-Triples order without duplicates
        resolved: list[list[_Forms]] = []
        for predicate, p_nt in shape.nt:
            objects = props[predicate]
            if len(objects) == 1:
                o = forms[objects[0]]
                nt_extend((s_nt, p_nt, o.nt, _NT_END))
                resolved.append([o])
            else:
                found = sorted({o.nt: o for o in map(forms.__getitem__, objects)}.values())  # unique N-Triples texts
                for o in found:
                    nt_extend((s_nt, p_nt, o.nt, _NT_END))
                resolved.append(found)
                count += len(found) - 1
        count += len(resolved)

        this = forms[subject]
        ttl_extend((b"\n", this.ttl, b"\n"))
        for position, verb, end in shape.ttl:
            found = resolved[position]
            if len(found) == 1:
                ttl_extend((verb, found[0].ttl, end))
            else:
                _turtle_objects(verb, found, end, ttl_extend)

        head = _json_head(this, resolved[shape.types] if shape.types >= 0 else [])
        if shape.json is not None:
            parts = head.copy()
            for position, key, coercion in shape.json:
                found = resolved[position]
                if len(found) == 1:
                    o = found[0]
                    if coercion is None:
                        parts += (key, o.plain)
                    elif o.fits == coercion:
                        parts += (key, o.json)
                    else:
                        break
                elif coercion is None:
                    parts += (key, b"[", b",".join(o.plain for o in found), b"]")
                elif all(o.fits == coercion for o in found):
                    parts += (key, b"[", b",".join(o.json for o in found), b"]")
                else:
                    break
            else:
                parts.append(b"}")
                json_append(b"".join(parts))
                continue
        # an object that does not fit its term's coercion, or two predicates with one key: the general path
        json_append(_json_node(head, [(p, resolved[i]) for i, (p, _) in enumerate(shape.nt) if i != shape.types]))
    return b"".join(ttl_out), _jsonld_document(json_lines), b"".join(nt_out), count
