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


class _NtCache(dict):  # type: ignore[type-arg]
    """Term -> N-Triples text, filled on first use (``cache[term]`` is a C-level lookup on hits)."""

    def __missing__(self, term: Term) -> str:
        text = self[term] = nt_iri(term) if isinstance(term, str) else nt_term(term)
        return text


_PREDICATE_NT = _NtCache()  # predicates come from the vocabulary: a small, bounded set


def ordered_groups(nodes: Nodes) -> tuple[list[Group], list[str]]:
    """The groups of ``nodes`` in canonical order (the order of sorted N-Triples lines) and the
    N-Triples lines themselves. Sorting each level on its N-Triples form gives exactly the order of
    sorting whole lines, because ``>`` closes every IRI and occurs in none."""
    cache = _NtCache()
    predicate_nt = _PREDICATE_NT
    groups: list[Group] = []
    lines: list[str] = []
    append = lines.append
    for subject in sorted(nodes, key=cache.__getitem__):
        s_nt = cache[subject]
        props = nodes[subject]
        predicates: list[tuple[str, list[Term]]] = []
        for predicate in sorted(props, key=predicate_nt.__getitem__):
            p_nt = predicate_nt[predicate]
            objects = props[predicate]
            if len(objects) == 1:
                predicates.append((predicate, objects))
                append(f"{s_nt} {p_nt} {cache[objects[0]]} .\n")
                continue
            ordered = sorted({cache[o]: o for o in objects}.items())
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
    """JSON-LD: the context inline, then an ``@graph`` of node objects sorted by ``@id``, one per line.

    The JSON text is put together from cached pieces (each distinct value is encoded once); it is
    what ``json.dumps`` gives for the same node with compact separators and keys in sorted order."""
    ctx = context()
    terms = ctx.terms
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    values: dict[tuple[Term, str | None], str] = {}  # (term, coercion) -> JSON text of the value
    keys: dict[str, tuple[str, str | None, str, str]] = {}  # predicate -> (term key, coercion, fallback key) as JSON
    lines: list[str] = []
    for subject, predicates in groups:
        head = '{"@id":' + encode(_json_iri(subject))
        props: dict[str, list[str]] = {}
        for predicate, objects in predicates:
            if predicate == RDF_TYPE:
                types = [_json_iri(o) if isinstance(o, str) else o.lex for o in objects]
                head += ',"@type":' + encode(types[0] if len(types) == 1 else types)
                continue
            known = keys.get(predicate)
            if known is None:
                term, coercion = terms.get(predicate, (None, None))
                known = keys[predicate] = (encode(term) if term else "", coercion, encode(_json_iri(predicate)), term or "")
            term_json, coercion, fallback_json, term = known
            for o in objects:
                if term and _fits(o, coercion):
                    key, wanted = term_json, coercion
                else:
                    key, wanted = fallback_json, None
                text = values.get((o, wanted))
                if text is None:
                    text = values[(o, wanted)] = encode(_json_value(o, wanted))
                found = props.get(key)
                if found is None:
                    props[key] = [text]
                else:
                    found.append(text)
        parts = [head]
        for key in sorted(props):  # quoted keys sort as the keys do: no key has a character below the quote
            found = props[key]
            parts.append(f"{key}:{found[0]}" if len(found) == 1 else f"{key}:[{','.join(found)}]")
        lines.append(",".join(parts) + "}")
    head = json.dumps(ctx.raw, ensure_ascii=False, indent=1)
    body = ",\n".join(lines)
    return f'{{"@context": {head},\n"@graph": [\n{body}\n]}}\n'.encode("utf-8")
