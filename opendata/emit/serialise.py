"""Deterministic N-Triples, Turtle and JSON-LD writers for a set of pre-formatted triples.

No RDF library in the hot path: a triple is ``(subject, predicate, object)`` where subject and
predicate are IRIs (``str``) and the object is an IRI or a ``Lit``. Output is sorted (subject,
predicate, object in N-Triples order), so the same triples always give the same bytes. Turtle
and JSON-LD use the prefixes and terms of vocab/context.jsonld; the JSON-LD embeds that context
inline, so it parses without network access.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Iterable, NamedTuple, Union

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
def compact(iri: str) -> str | None:
    """``prefix:local`` for an IRI under a known namespace, or ``None``."""
    for prefix, namespace in context().prefixes:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
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


def _ttl_iri(iri: str) -> str:
    return compact(iri) or nt_iri(iri)


def _ttl_term(term: Term) -> str:
    if isinstance(term, str):
        return _ttl_iri(term)
    text = f'"{escape_string(term.lex)}"'
    if term.lang:
        return f"{text}@{term.lang}"
    if term.datatype and term.datatype != XSD_STRING:
        if term.datatype == XSD + "integer" and _TTL_INTEGER.match(term.lex) and not term.lex.startswith("+"):
            return term.lex
        if term.datatype == XSD + "boolean" and term.lex in ("true", "false"):
            return term.lex
        return f"{text}^^{_ttl_iri(term.datatype)}"
    return text


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


Nodes = dict[str, dict[str, list[Term]]]  # subject -> predicate -> objects, in any order, duplicates allowed


_PREDICATE_NT: dict[str, str] = {}  # predicates come from the vocabulary: a small, bounded set


def _predicate_nt(iri: str) -> str:
    text = _PREDICATE_NT.get(iri)
    if text is None:
        text = _PREDICATE_NT[iri] = nt_iri(iri)
    return text


def ordered_groups(nodes: Nodes) -> tuple[list[Group], list[str]]:
    """The groups of ``nodes`` in canonical order (the order of sorted N-Triples lines) and the
    N-Triples lines themselves. Sorting each level on its N-Triples form gives exactly the order of
    sorting whole lines, because ``>`` closes every IRI and occurs in none."""
    cache: dict[Term, str] = {}
    get = cache.get
    groups: list[Group] = []
    lines: list[str] = []
    append = lines.append
    for s_nt, subject in sorted([(nt_iri(s), s) for s in nodes]):
        props = nodes[subject]
        predicates: list[tuple[str, list[Term]]] = []
        keyed = sorted([(_predicate_nt(p), p) for p in props]) if len(props) > 1 else [(_predicate_nt(p), p) for p in props]
        for p_nt, predicate in keyed:
            objects = props[predicate]
            if len(objects) == 1:
                o = objects[0]
                o_nt = get(o)
                if o_nt is None:
                    o_nt = cache[o] = nt_iri(o) if isinstance(o, str) else nt_term(o)
                predicates.append((predicate, objects))
                append(f"{s_nt} {p_nt} {o_nt} .\n")
                continue
            unique: dict[str, Term] = {}
            for o in objects:
                o_nt = get(o)
                if o_nt is None:
                    o_nt = cache[o] = nt_iri(o) if isinstance(o, str) else nt_term(o)
                unique[o_nt] = o
            ordered = sorted(unique.items())
            predicates.append((predicate, [o for _, o in ordered]))
            for o_nt, _ in ordered:
                append(f"{s_nt} {p_nt} {o_nt} .\n")
        groups.append((subject, predicates))
    return groups, lines


def ntriples_lines(lines: list[str]) -> bytes:
    return "".join(lines).encode("utf-8")


def _types_first(predicates: list[tuple[str, list[Term]]]) -> list[tuple[str, list[Term]]]:
    for index, (predicate, _) in enumerate(predicates):
        if predicate == RDF_TYPE:
            return [predicates[index], *predicates[:index], *predicates[index + 1:]] if index else predicates
    return predicates


def turtle(groups: list[Group], header: str = "") -> bytes:
    """Turtle grouped by subject (``a`` first, then predicates in order), with all prefixes."""
    out: list[str] = []
    if header:
        out.extend(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    width = max(len(p) for p, _ in context().prefixes)
    for prefix, namespace in sorted(context().prefixes):
        out.append(f"@prefix {prefix + ':':<{width + 1}} <{namespace}> .\n")
    cache: dict[Term, str] = {RDF_TYPE: "a"}
    append = out.append
    for subject, predicates in groups:
        text = cache.get(subject)
        if text is None:
            text = cache[subject] = _ttl_term(subject)
        append(f"\n{text}\n")
        last = len(predicates) - 1
        for index, (predicate, objects) in enumerate(_types_first(predicates)):
            verb = cache.get(predicate)
            if verb is None:
                verb = cache[predicate] = _ttl_term(predicate)
            end = " ." if index == last else " ;"
            if len(objects) == 1:
                term = objects[0]
                text = cache.get(term)
                if text is None:
                    text = cache[term] = _ttl_term(term)
                append(f"    {verb} {text}{end}\n")
                continue
            append(f"    {verb}\n")
            final = len(objects) - 1
            for k, term in enumerate(objects):
                text = cache.get(term)
                if text is None:
                    text = cache[term] = _ttl_term(term)
                append(f"        {text}{end if k == final else ' ,'}\n")
    return "".join(out).encode("utf-8")


def _json_iri(iri: str) -> str:
    return compact(iri) or iri


def _json_value(term: Term, coercion: str | None) -> object:
    """The compacted value of ``term`` under a term with ``coercion`` (already checked to fit)."""
    if isinstance(term, str):
        return _json_iri(term) if coercion == "@id" else {"@id": _json_iri(term)}
    if coercion is not None:
        return term.lex
    if term.lang:
        return {"@value": term.lex, "@language": term.lang}
    if term.datatype and term.datatype != XSD_STRING:
        return {"@value": term.lex, "@type": _json_iri(term.datatype)}
    return term.lex


def _fits(term: Term, coercion: str | None) -> bool:
    if coercion is None:
        return True
    if coercion == "@id":
        return isinstance(term, str)
    return isinstance(term, Lit) and term.lang is None and term.datatype == coercion


def jsonld(groups: list[Group]) -> bytes:
    """JSON-LD: the context inline, then an ``@graph`` of node objects sorted by ``@id``."""
    ctx = context()
    terms = ctx.terms
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    values_cache: dict[tuple[Term, str | None], object] = {}  # (term, coercion) -> JSON value
    keys_cache: dict[str, tuple[str, str | None, str]] = {}  # predicate -> (term, coercion, fallback key)
    lines: list[str] = []
    for subject, predicates in groups:
        node: dict[str, object] = {"@id": _json_iri(subject)}
        props: dict[str, list[object]] = {}
        for predicate, objects in predicates:
            if predicate == RDF_TYPE:
                types = [_json_iri(o) if isinstance(o, str) else o.lex for o in objects]
                node["@type"] = types[0] if len(types) == 1 else types
                continue
            known = keys_cache.get(predicate)
            if known is None:
                term, coercion = terms.get(predicate, (None, None))
                known = keys_cache[predicate] = (term or "", coercion, _json_iri(predicate))
            term, coercion, fallback = known
            for o in objects:
                if term and _fits(o, coercion):
                    key, wanted = term, coercion
                else:
                    key, wanted = fallback, None
                value = values_cache.get((o, wanted))
                if value is None:
                    value = values_cache[(o, wanted)] = _json_value(o, wanted)
                values = props.get(key)
                if values is None:
                    props[key] = [value]
                else:
                    values.append(value)
        for key in sorted(props):
            values = props[key]
            node[key] = values[0] if len(values) == 1 else values
        lines.append(dumps(node))
    # one node object per line: readable diffs, and the C encoder (json's indent= is pure Python)
    head = json.dumps(ctx.raw, ensure_ascii=False, indent=1)
    body = ",\n".join(lines)
    return f'{{"@context": {head},\n"@graph": [\n{body}\n]}}\n'.encode("utf-8")
