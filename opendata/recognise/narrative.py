"""Narrative: sections under their headings, the glossary (名词解释) and the figures stated in
the text (claims), each with the words that say what it refers to."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from decimal import Decimal

from ..model.disclosure import Claim, Section, Table, Term
from ..read.document import SourceLine
from ..vocab import norm_label, recognition
from .context import Context
from .segment import strip_numbering

_TOP_HEADING = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分\s*)?[一二三四五六七八九十]+、\s*\S")
_GLOSSARY_ENTRY = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）]?[、.．]?\s*)?\*{0,2}(?P<term>[^:：*]{1,40}?)\*{0,2}\s*[:：]\s*(?P<definition>.+)$")

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CLAIM = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>万元|元|%)")
_DIRECTIONS = {
    "增加": "increase", "增长": "increase", "上升": "increase", "提高": "increase", "多": "increase",
    "减少": "decrease", "下降": "decrease", "降低": "decrease", "少": "decrease", "压减": "decrease",
    "持平": "flat",
}
_DIRECTION_AT_END = re.compile(r"(增加|增长|上升|提高|减少|下降|降低|压减|持平)了?$")
_BOUNDARY = re.compile(r"[，。；：,;:！？]|其中|包括|以及")
_LEAD = re.compile(r"^(?:[（(]|其中|包括|主要为|主要是|主要用于|和|及|与|共|为|是|\s)+")
_TRAIL = re.compile(r"(?:共计安排|合计安排|预算安排|共计|合计|安排|总额为|金额为|为|是|达|约|\s)+$")
_YEAR = re.compile(r"(20\d\d)\s*年(?:度)?")
_COMPARE = re.compile(r"^(?:较|比|与|同比|相比)")
_PREFIX_OWNER = re.compile(r"^(?:我部门|我单位|本部门|本单位)")


_PART = re.compile(r"^第[一二三四五六七八九十]+部分\s*")


def _is_named_heading(text: str) -> bool:
    """A heading printed without numbering (名词解释, 第四部分 名词解释, 2024年部门预算编制说明).

    Only headings whose words name a narrative section, on a short line of their own without
    sentence punctuation.
    """
    norm = norm_label(text)
    if not norm or len(norm) > 30 or any(mark in norm for mark in "，。；：,;:（("):
        return False
    if _PART.match(text):
        return True
    return section_key(norm) in ("glossary", "overview", "duties", "institutions") and norm.endswith(
        ("名词解释", "编制说明", "主要职能", "机构设置", "情况说明")
    )


def section_key(heading: str) -> str:
    text = norm_label(heading)
    for key, words in recognition().narrative.items():
        if any(word in text for word in words):
            return key
    return "other"


def build_sections(lines: list[SourceLine], context: Context) -> tuple[tuple[Section, ...], tuple[Term, ...], tuple[Claim, ...]]:
    sections: list[Section] = []
    terms: list[Term] = []
    claims: list[Claim] = []
    heading = ""
    heading_line: SourceLine | None = None
    paragraphs: list[str] = []
    key = "preamble"

    def close() -> None:
        if heading_line is not None or paragraphs:
            anchor = heading_line if heading_line is not None else lines[0]
            sections.append(Section(key, heading, tuple(paragraphs), context.locate(anchor)))

    for line in lines:
        text = " ".join(line.filled)
        context.ledger.mark_line(line, "text")
        if (_TOP_HEADING.match(text) and len(text) <= 60 and "。" not in text) or _is_named_heading(text):
            close()
            heading, heading_line, paragraphs = text, line, []
            key = section_key(text)
            continue
        paragraphs.append(text)
        if key == "glossary":
            match = _GLOSSARY_ENTRY.match(text)
            if match:
                terms.append(
                    Term(match["term"].strip().strip("*").strip(), match["definition"].strip(), context.locate(line))
                )
                continue
        if key not in ("duties", "glossary"):
            claims.extend(extract_claims(text, line, context, key))
    close()
    return tuple(sections), tuple(terms), tuple(claims)


_CODE_PATH = re.compile(
    r"(?P<l1>[\u4e00-\u9fff][\u4e00-\u9fff、与和及等]{1,29})\(类\)"
    r"(?:\s*(?P<l2>[\u4e00-\u9fff、与和及等]{2,30})\(款\))?"
    r"(?:\s*(?P<l3>[\u4e00-\u9fff、与和及等]{2,30})\(项\))?"
)


def code_paths(norm: str) -> list[tuple[int, tuple[str, ...]]]:
    """Functional classification names printed as ``X（类）Y（款）Z（项）``: position and names."""
    return [
        (match.end(), tuple(name for name in (match["l1"], match["l2"], match["l3"]) if name))
        for match in _CODE_PATH.finditer(norm)
    ]


def extract_claims(text: str, line: SourceLine, context: Context, section: str | None = None) -> list[Claim]:
    """Figures with a unit (万元, 元, %) and the words before them that name the quantity.

    A claim made after a classification named as ``X（类）Y（款）Z（项）`` in the same paragraph
    carries those names (``code_name`` the last of them); ``resolve_codes`` finds the code.
    """
    norm = unicodedata.normalize("NFKC", text)
    paths = code_paths(norm)
    offset = 0  # position of the current sentence in the paragraph
    result: list[Claim] = []
    last_subject = ""
    topic = ""  # the first quantity named in the paragraph
    year: int | None = None
    base_year: int | None = None
    for sentence in re.split(r"(?<=[。；;])", norm):
        sentence_start = offset
        offset += len(sentence)
        cursor = 0
        for match in _CLAIM.finditer(sentence):
            for seen in _YEAR.finditer(sentence[cursor:match.start()]):
                if not re.search(r"(?:较|比|与|同比)\s*$", sentence[: cursor + seen.start()]):
                    year = int(seen.group(1))
            start = match.start()
            before_char = sentence[start - 1] if start else ""
            if before_char in "-~～—" or before_char.isdigit() or before_char == ".":
                continue  # part of a range (1000-2000万元) or of another number
            segment = sentence[cursor:start]
            cursor = match.end()
            pieces = _BOUNDARY.split(segment)
            local = pieces[-1] if pieces else segment
            years = _YEAR.findall(local)
            local_year = int(years[-1]) if years else None
            direction = None
            kind = "amount"
            direction_match = _DIRECTION_AT_END.search(local)
            subject = local
            claim_base = None
            if direction_match:
                direction = _DIRECTIONS[direction_match.group(1)]
                subject = local[: direction_match.start()]
                # "人员经费减少项目支出减少": the subject follows the last direction word
                inner = re.split(r"增加|增长|减少|下降|上升|降低|持平", subject)
                subject = inner[-1]
                kind = "rate" if match["unit"] == "%" else "change"
            elif match["unit"] == "%":
                kind = "share" if re.search(r"占\s*$|比重|比例", local) else "rate"
                subject = re.sub(r"占\s*$", "", subject)
            compare = _COMPARE.search(subject.strip())
            if compare or (direction and not _YEAR.sub("", subject).strip(" 年预算")):
                claim_base = local_year
                if local_year is not None:
                    base_year = local_year
                starts_sentence = not _BOUNDARY.sub("", sentence[:start]).replace(local, "").strip()
                subject = topic if starts_sentence and topic else last_subject
            else:
                if local_year is not None and kind == "amount":
                    year = local_year
                subject = _YEAR.sub("", subject)
                subject = _LEAD.sub("", subject)
                subject = _TRAIL.sub("", subject)
                subject = _PREFIX_OWNER.sub("", subject).strip()
                if kind == "amount" and subject:
                    last_subject = subject
                    topic = topic or subject
                if kind in ("change", "rate") and claim_base is None:
                    claim_base = base_year
            raw = match["num"]
            value = Decimal(raw.replace(",", ""))
            context.ledger.claim(line, raw)
            named = [names for end, names in paths if end <= sentence_start + start]
            code_name = "/".join(named[-1]) if named else None
            result.append(
                Claim(
                    kind=kind,
                    subject=subject.strip(),
                    value=value,
                    unit=match["unit"],
                    direction=direction,
                    year=year,
                    base_year=claim_base if kind in ("change", "rate") else None,
                    sentence=sentence.strip(),
                    raw=raw,
                    locator=context.locate(line),
                    section=section,
                    code_name=code_name,
                )
            )
    return result


def resolve_codes(claims: tuple[Claim, ...], tables: tuple[Table, ...]) -> tuple[Claim, ...]:
    """Claims naming a classification path (``code_name`` 类/款/项 names) get its code.

    The code is looked up in the document's own functional tables (a name under its parent's
    code), the 类 level also in the code list; ``code_name`` becomes the last name printed.
    """
    children: dict[str, dict[str, str]] = {}
    for table in tables:
        for line in table.lines:
            code = line.key.functional
            if not code or len(code) not in (3, 5, 7):
                continue
            parent = code[:-2] if len(code) > 3 else ""
            children.setdefault(parent, {}).setdefault(norm_label(strip_numbering(line.label)), code)
    result = []
    for claim in claims:
        if not claim.code_name:
            result.append(claim)
            continue
        names = claim.code_name.split("/")
        code: str | None = ""
        for depth, name in enumerate(names):
            found = children.get(code or "", {}).get(norm_label(name))
            if found is None and depth == 0:
                cls = recognition().class_by_name(norm_label(name))
                found = cls.code if cls is not None else None
            if found is None:
                code = None
                break
            code = found
        result.append(replace(claim, code=code or None, code_name=names[-1]))
    return tuple(result)
