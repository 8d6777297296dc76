"""Narrative against tables: stated figures, changes, rates, shares, direction words, code names.

Claims (``Disclosure.claims``) name a quantity in words; ``[[subject]]`` rows of
vocab/identities.toml map those words to a table figure. What cannot be checked for lack of a
base (last year's figures are usually not in the document) is left alone; what can is checked:
sub-changes adding up to the stated total change, direction words against signs, rates and
shares against the figures they are computed from, at the printed precision.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from functools import cache, lru_cache
from typing import Iterator

from ..model.disclosure import Claim, Disclosure
from ..model.money import Amount
from ..vocab import norm_label, recognition
from .identities import Identities, compare, glossary_says, money
from .quantities import Figures, Resolved, cell_term, code_of, find_column, resolve
from .report import ERROR, INFO, WARNING, Finding
from .rounding import ZERO, Term, bound_of, severity_of

MONEY_UNITS = ("万元", "元")
_SIGN = {"increase": 1, "decrease": -1, "flat": 0}
_WORD_ZH = {"increase": "增加", "decrease": "减少", "flat": "持平"}


# A subject may end with a name after an owner (香河县…局 / 上海市…福利院 收入预算), never after words that
# qualify the quantity (国有资本经营预算拨款 支出预算 is not 支出预算).
_QUALIFIERS = ("预算", "拨款", "基金", "资本", "财政", "经费", "支出", "收入", "结转", "结余", "项目", "基本",
               "专户", "资金", "公用", "人员", "三公", "本年", "上年", "年初", "年末", "拟")


def _match_length(subject: str, names: tuple[str, ...]) -> int:
    """How well a subject matches names: 0 not at all, else the matched length (exact beats ends-with)."""
    return _norm_match_length(norm_label(subject), names)


def _norm_match_length(norm: str, names: tuple[str, ...]) -> int:
    """``_match_length`` of a subject already through ``norm_label``."""
    best = 0
    for name in names:
        if norm == name:
            best = max(best, 1000 + len(name))
        elif norm.endswith(name) and not any(word in norm[: -len(name)] for word in _QUALIFIERS):
            best = max(best, len(name))
    return best


def _matches(subject: str, names: tuple[str, ...]) -> bool:
    return _match_length(subject, names) > 0


def subject_quantity(disclosure: Disclosure, subject: str, declared: Identities,
                     figures: Figures | None = None) -> Resolved | None:
    """The table figure a narrative subject refers to: the best-matching applicable ``[[subject]]`` row
    (exact name before the longest ends-with match; declaration order breaks ties)."""
    norm = norm_label(subject)
    scored = ((-_norm_match_length(norm, entry.names), order, entry) for order, entry in enumerate(declared.subjects))
    ranked = sorted((item for item in scored if item[0] != 0), key=lambda item: (item[0], item[1]))
    for _, _, entry in ranked:
        if not glossary_says(disclosure, entry.when_glossary):
            continue
        resolved = resolve(disclosure, entry.quantity, figures)
        if resolved is not None and resolved.line_present:
            return resolved
    return None


_BASE_AMOUNT = r"(?:较|比|与|同比|相比)\s*(20\d\d)\s*年[^，。；,;\d]*?{raw}\s*(?:万元|元)"


_BASE_YEAR = re.compile(r"(?:较|比|与|同比|相比)\s*20\d\d\s*年")


@lru_cache(maxsize=1024)
def _base_amount(raw: str) -> re.Pattern[str]:
    return re.compile(_BASE_AMOUNT.format(raw=re.escape(raw)))


def claim_year(claim: Claim) -> int | None:
    """The year a figure is for; a figure after "较/比 2023年…" is the base year's, whatever the reader set.

    The pattern names the figure as printed, so it is compiled per figure (~1 ms each): only for a
    sentence that has the figure and a base year at all."""
    if claim.kind != "amount" or claim.raw not in claim.sentence or not _BASE_YEAR.search(claim.sentence):
        return claim.year
    match = _base_amount(claim.raw).search(claim.sentence)
    return int(match.group(1)) if match else claim.year


def _claim_term(claim: Claim) -> Term:
    return Term.of(claim.amount, claim.locator, claim.subject)


def check_amounts(disclosure: Disclosure, declared: Identities, figures: Figures | None = None) -> Iterator[Finding]:
    """Every stated amount of the disclosure's year that names a table quantity must match it."""
    for claim in disclosure.claims:
        if claim.kind != "amount" or claim.unit not in MONEY_UNITS:
            continue
        year = claim_year(claim)
        if year is not None and year != disclosure.year:
            continue
        resolved = subject_quantity(disclosure, claim.subject, declared, figures)
        if resolved is None:
            continue
        stated = _claim_term(claim)
        table = resolved.term
        finding = compare(
            "narrative-figure-mismatch", stated, [table],
            f"text “{claim.sentence}”", f"说明“{claim.sentence}”", rule="narrative-amount",
        )
        if finding:
            yield finding


def check_code_amounts(disclosure: Disclosure, declared: Identities) -> Iterator[Finding]:
    """A stated amount for a named code (“一般公共服务支出(类)2106.66万元”, “…行政运行(项)”53.84万元”) must
    match that code's line in the first table of ``[code_figures] tables`` that prints it."""
    tables = [t for t in (disclosure.table(kind) for kind in declared.code_tables) if t is not None]
    for claim in disclosure.claims:
        if claim.kind != "amount" or not claim.code or claim.unit not in MONEY_UNITS:
            continue
        year = claim_year(claim)
        if year is not None and year != disclosure.year:
            continue
        if any(word in norm_label(claim.subject) for word in declared.code_skip_words):
            continue
        for table in tables:
            line = next((l for l in table.lines if code_of(l) == claim.code), None)
            if line is None:
                continue
            column = find_column(table, "total", line.side)
            if column is None:
                break
            stated = _claim_term(claim)
            stated = Term(stated.value, stated.bound, stated.locator, stated.amount, f"{claim.code} {claim.code_name or ''}")
            finding = compare(
                "narrative-figure-mismatch", stated, [cell_term(table, line, column)],
                f"text “{claim.sentence}”", f"说明“{claim.sentence}”", rule="narrative-code-amount",
            )
            if finding:
                yield finding
            break


def _signed(claim: Claim) -> Decimal:
    return claim.value * _SIGN.get(claim.direction or "increase", 1)


def _money_amount(claim: Claim) -> Amount | None:
    return claim.amount if claim.unit in MONEY_UNITS else None


def _yuan(claim: Claim) -> Decimal:
    amount = _money_amount(claim)
    return amount.yuan if amount is not None else claim.value


def _half(claim: Claim) -> Decimal:
    amount = _money_amount(claim)
    if amount is not None:
        return amount.precision * amount.unit.factor
    exponent = claim.value.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(1).scaleb(exponent) / 2


def _paragraphs(disclosure: Disclosure) -> dict[tuple[object, ...], list[Claim]]:
    groups: dict[tuple[object, ...], list[Claim]] = {}
    for claim in disclosure.claims:
        groups.setdefault((claim.locator.file, claim.locator.page, claim.locator.line, claim.section), []).append(claim)
    return groups


def check_change_sums(disclosure: Disclosure, declared: Identities) -> Iterator[Finding]:
    """A total change stated with its parts (其中：基本支出减少…，项目支出减少…) must add up, signs included."""
    for claims in _paragraphs(disclosure).values():
        changes = [c for c in claims if c.kind == "change" and c.unit in MONEY_UNITS]
        for rule in declared.change_sums:
            totals = [c for c in changes if _matches(c.subject, rule.total)]
            parts = [next((c for c in changes if _matches(c.subject, (name,))), None) for name in rule.parts]
            if not totals or any(p is None for p in parts):
                continue
            total = totals[0]
            found = [p for p in parts if p is not None]
            difference = _signed(total) * _factor(total) - sum((_signed(p) * _factor(p) for p in found), ZERO)
            bound = _half(total) + sum((_half(p) for p in found), ZERO)
            severity = severity_of(difference, bound)
            if severity is None:
                continue
            figures = (total.value, *(p.value for p in found))
            locators = (total.locator, *(p.locator for p in found))
            stated = "; ".join(f"{c.subject} {_WORD_ZH.get(c.direction or '', '')}{c.raw}{c.unit}" for c in (total, *found))
            flipped = _flip_explains(total, found, bound)
            if flipped is not None:
                yield Finding(
                    "narrative-direction-mismatch", ERROR,
                    f"text “{total.sentence}”: the parts add up to the total change only if "
                    f"{flipped.subject} {flipped.raw}{flipped.unit} goes the other way ({stated})",
                    f"说明“{total.sentence}”：只有当{flipped.subject}{flipped.raw}{flipped.unit}的增减方向相反时，"
                    f"各分项变动之和才等于总变动（{stated}）",
                    (flipped.value, *figures), (flipped.locator, *locators), "change-sum",
                )
                continue
            shown = _change_money(difference, total)
            yield Finding(
                "narrative-change-mismatch", severity,
                f"text “{total.sentence}”: the changes of the parts do not add up to the total change "
                f"({stated}; difference {shown})",
                f"说明“{total.sentence}”：各分项增减额之和不等于总增减额（{stated}；相差{shown}）",
                figures, locators, "change-sum",
            )


def _factor(claim: Claim) -> Decimal:
    amount = _money_amount(claim)
    return amount.unit.factor if amount is not None else Decimal(1)


def _change_money(value_yuan: Decimal, claim: Claim) -> str:
    factor = _factor(claim)
    exponent = claim.value.as_tuple().exponent
    assert isinstance(exponent, int)
    return f"{format((value_yuan / factor).quantize(Decimal(1).scaleb(exponent)), 'f')}{claim.unit}"


def _flip_explains(total: Claim, parts: list[Claim], bound: Decimal) -> Claim | None:
    """The one claim whose direction, reversed, makes the parts add up (if exactly one does)."""
    candidates = []
    everything = [total, *parts]
    for flipped in everything:
        signed_total = _signed(total) * _factor(total) * (-1 if flipped is total else 1)
        summed = sum((_signed(p) * _factor(p) * (-1 if flipped is p else 1) for p in parts), ZERO)
        if flipped.value != 0 and abs(signed_total - summed) <= bound:
            candidates.append(flipped)
    return candidates[0] if len(candidates) == 1 else None


def _ratio_range(num: Term, den: Term) -> tuple[Decimal, Decimal] | None:
    if den.value - den.bound <= 0:
        return None
    corners = [(num.value + a) / (den.value + b) * 100
               for a in (-num.bound, num.bound) for b in (-den.bound, den.bound)]
    return min(corners), max(corners)


def _check_ratio(claim: Claim, num: Term, den: Term, what_en: str, what_zh: str, others: list[Claim]) -> Finding | None:
    """A stated percentage against numerator/denominator, at the printed precision of all three."""
    if den.value == 0:
        return None
    exact = num.value / den.value * 100
    exponent = claim.value.as_tuple().exponent
    assert isinstance(exponent, int)
    step = Decimal(1).scaleb(exponent)
    if exact.quantize(step) == claim.value:
        return None
    span = _ratio_range(num, den)
    half = step / 2
    severity = ERROR
    if span is not None and span[0] - half <= claim.value <= span[1] + half:
        severity = WARNING
    shown = format(exact.quantize(step), "f")
    return Finding(
        "narrative-rate-mismatch", severity,
        f"text “{claim.sentence}”: {what_en} is stated as {claim.raw}% but the figures give {shown}%",
        f"说明“{claim.sentence}”：{what_zh}为{claim.raw}%，按数字计算应为{shown}%",
        (claim.value, *(c.value for c in others)),
        (claim.locator, *(c.locator for c in others)), "rate",
    )


def check_changes(disclosure: Disclosure, declared: Identities, figures: Figures | None = None) -> Iterator[Finding]:
    """Changes, rates and direction words against the current and base figures where both are known."""
    for claims in _paragraphs(disclosure).values():
        for index, claim in enumerate(claims):
            if claim.kind not in ("change", "rate"):
                continue
            if claim.direction in ("increase", "decrease") and claim.value == 0:
                yield Finding(
                    "narrative-zero-change-direction", INFO,
                    f"text “{claim.sentence}”: a change of 0 is described as "
                    f"{claim.direction} ({_WORD_ZH[claim.direction]}{claim.raw}{claim.unit})",
                    f"说明“{claim.sentence}”：变动为0却用了“{_WORD_ZH[claim.direction]}”",
                    (claim.value,), (claim.locator,), "change",
                )
                continue
            current, base = _current_and_base(disclosure, claims, index, declared, figures)
            if current is None:
                continue
            if claim.kind == "change" and claim.unit in MONEY_UNITS and base is not None:
                yield from _change_against(claim, current, base)
            if claim.kind == "rate" and claim.unit == "%":
                finding = _rate_against(claims, index, claim, current, base)
                if finding is not None:
                    yield finding


def _current_and_base(
    disclosure: Disclosure, claims: list[Claim], index: int, declared: Identities, figures: Figures | None = None
) -> tuple[Term | None, Term | None]:
    claim = claims[index]
    if claim.code:  # "2023年执行数为54.60万元，2024年预算安排53.84万元，比2023年…减少1.39%": the code ties them
        same = [c for c in claims[:index] if c.kind == "amount" and c.unit in MONEY_UNITS and c.code == claim.code]
    else:
        same = [c for c in claims[:index] if c.kind == "amount" and c.unit in MONEY_UNITS
                and norm_label(c.subject) == norm_label(claim.subject)]
    current_claims = [c for c in same if claim_year(c) in (None, claim.year)]
    base_year = claim.base_year
    if base_year is None:  # "比2023年预算X万元减少Y万元": the year is on the base figure only
        years = [claim_year(c) for c in same if claim_year(c) not in (None, claim.year)]
        base_year = years[-1] if years else None
    base_claims = [c for c in same if base_year is not None and claim_year(c) == base_year]
    current: Term | None = _claim_term(current_claims[-1]) if current_claims else None
    if current is None and claim.year in (None, disclosure.year):
        resolved = subject_quantity(disclosure, claim.subject, declared, figures)
        current = resolved.term if resolved is not None else None
    base = _claim_term(base_claims[-1]) if base_claims else None
    return current, base


def _change_against(claim: Claim, current: Term, base: Term) -> Iterator[Finding]:
    actual = current.value - base.value
    stated = _signed(claim) * _factor(claim)
    stated_term = Term(abs(stated), _half(claim), claim.locator, claim.amount, claim.subject)
    if actual != 0 and claim.direction in ("increase", "decrease") and (actual > 0) != (claim.direction == "increase"):
        yield Finding(
            "narrative-direction-mismatch", ERROR,
            f"text “{claim.sentence}”: says {claim.direction} but {claim.subject} went from "
            f"{base.shown} to {current.shown}",
            f"说明“{claim.sentence}”：称“{_WORD_ZH[claim.direction]}”，但{claim.subject}由{base.shown}变为{current.shown}",
            (claim.value, *( [base.amount.value] if base.amount else []), *([current.amount.value] if current.amount else [])),
            (claim.locator, *(t.locator for t in (base, current) if t.locator is not None)), "change",
        )
        return
    if claim.direction == "flat" and actual != 0:
        severity = severity_of(actual, bound_of([current, base]))
        if severity is not None:
            yield Finding(
                "narrative-direction-mismatch", severity,
                f"text “{claim.sentence}”: says flat but {claim.subject} went from {base.shown} to {current.shown}",
                f"说明“{claim.sentence}”：称“持平”，但{claim.subject}由{base.shown}变为{current.shown}",
                (claim.value,), (claim.locator,), "change",
            )
        return
    actual_term = Term(abs(actual), current.bound + base.bound, current.locator, None, "current - base")
    difference = stated_term.value - actual_term.value
    severity = severity_of(difference, stated_term.bound + actual_term.bound)
    if severity is not None:
        yield Finding(
            "narrative-change-mismatch", severity,
            f"text “{claim.sentence}”: the stated change {claim.raw}{claim.unit} differs from "
            f"{current.shown} - {base.shown} = {money(actual, [current, base])}",
            f"说明“{claim.sentence}”：所述增减额{claim.raw}{claim.unit}与{current.shown} - {base.shown} = "
            f"{money(actual, [current, base])}不符",
            (claim.value,), (claim.locator,), "change",
        )


def _rate_against(claims: list[Claim], index: int, claim: Claim, current: Term, base: Term | None) -> Finding | None:
    changes = [c for c in claims[:index] if c.kind == "change" and c.unit in MONEY_UNITS
               and norm_label(c.subject) == norm_label(claim.subject)]
    if base is None and changes:
        change = changes[-1]
        signed = _signed(change) * _factor(change)
        base = Term(current.value - signed, current.bound + _half(change), None, None, "base")
        delta = Term(abs(signed), _half(change), change.locator, change.amount, "change")
    elif base is not None:
        delta = Term(abs(current.value - base.value), current.bound + base.bound, None, None, "change")
    else:
        return None
    if changes and claim.direction in ("increase", "decrease") and changes[-1].direction in ("increase", "decrease") \
            and claim.direction != changes[-1].direction:
        change = changes[-1]
        return Finding(
            "narrative-direction-mismatch", ERROR,
            f"text “{claim.sentence}”: the rate says {claim.direction} ({claim.raw}%), the amount says "
            f"{change.direction} ({change.raw}{change.unit})",
            f"说明“{claim.sentence}”：增减幅度称“{_WORD_ZH[claim.direction]}{claim.raw}%”，"
            f"增减额却为“{_WORD_ZH[change.direction]}{change.raw}{change.unit}”",
            (claim.value, change.value), (claim.locator, change.locator), "rate",
        )
    if claim.direction in ("increase", "decrease") and base is not None:
        actual = current.value - base.value
        if actual != 0 and (actual > 0) != (claim.direction == "increase") and not changes:
            return Finding(
                "narrative-direction-mismatch", ERROR,
                f"text “{claim.sentence}”: says {claim.direction} {claim.raw}% but the figures went the other way",
                f"说明“{claim.sentence}”：称“{_WORD_ZH[claim.direction]}{claim.raw}%”，但数字变动方向相反",
                (claim.value,), (claim.locator,), "rate",
            )
    what = f"{claim.code} {claim.code_name}" if claim.code and claim.code_name else claim.subject
    return _check_ratio(claim, delta, base, f"the rate of change of {what}", f"{what}的增减幅度", changes[-1:])


def _ends_with_any(subject: str, names: tuple[str, ...]) -> bool:
    norm = norm_label(subject)
    return any(norm.endswith(norm_label(name)) for name in names)


def _paragraph_of(disclosure: Disclosure, claim: Claim) -> str:
    """The whole narrative paragraph a claim was read from (its words beyond the figures)."""
    sentence = norm_label(claim.sentence)
    for section in disclosure.sections:
        for paragraph in section.paragraphs:
            text = norm_label(paragraph)
            if sentence in text:
                return text
    return sentence


def check_comparisons(disclosure: Disclosure, declared: Identities) -> Iterator[Finding]:
    """Budget against outturn (年初预算为A万元，支出决算为B万元。决算数小于预算数…；完成年初预算的98.20%):
    the comparison word must agree with A and B, the completion rate must be B/A."""
    first_names = tuple(declared.compare_words("first"))
    second_names = tuple(declared.compare_words("second"))
    if not first_names or not second_names:
        return
    words = {kind: re.compile(declared.compare_words(kind)) for kind in ("greater", "less", "equal")
             if declared.compare_words(kind)}
    completion = tuple(declared.compare_words("completion"))
    for claims in _paragraphs(disclosure).values():
        money_claims = [c for c in claims if c.kind == "amount" and c.unit in MONEY_UNITS]
        firsts = [c for c in money_claims if _ends_with_any(c.subject, first_names)]
        if not firsts:
            continue
        first = firsts[0]
        seconds = [c for c in money_claims[money_claims.index(first) + 1:] if _ends_with_any(c.subject, second_names)]
        if not seconds:
            continue
        second = seconds[0]
        a, b = _claim_term(first), _claim_term(second)
        text = _paragraph_of(disclosure, first)
        for kind, pattern in words.items():
            if not pattern.search(text):
                continue
            difference = b.value - a.value
            holds = {"greater": difference > 0, "less": difference < 0,
                     "equal": severity_of(difference, a.bound + b.bound) is None}[kind]
            if holds:
                continue
            word = pattern.search(text).group(0)  # type: ignore[union-attr]
            yield Finding(
                "narrative-direction-mismatch", ERROR,
                f"text “{first.sentence}”: says “{word}” but the outturn {second.raw}{second.unit} against the "
                f"budget {first.raw}{first.unit}",
                f"说明“{first.sentence}”：称“{word}”，但决算{second.raw}{second.unit}、预算{first.raw}{first.unit}",
                (first.value, second.value), (first.locator, second.locator), "comparison",
            )
        for claim in claims:
            if claim.kind in ("rate", "share") and claim.unit == "%" and _ends_with_any(claim.subject, completion) \
                    and claim.sentence == second.sentence:
                finding = _check_ratio(claim, b, a, "the completion rate", "完成预算的比例", [first, second])
                if finding is not None:
                    yield dataclasses.replace(finding, rule="comparison")


def check_shares(disclosure: Disclosure) -> Iterator[Finding]:
    """``X万元，占Y%``: X over the paragraph's first stated amount (the whole it is a share of)."""
    for claims in _paragraphs(disclosure).values():
        amounts = [c for c in claims if c.kind == "amount" and c.unit in MONEY_UNITS]
        if not amounts:
            continue
        whole = amounts[0]
        for index, claim in enumerate(claims):
            if claim.kind != "share" or claim.unit != "%":
                continue
            before = [c for c in claims[:index] if c.kind == "amount" and c.unit in MONEY_UNITS]
            if not before or before[-1] is whole:
                continue
            part = before[-1]
            finding = _check_ratio(claim, _claim_term(part), _claim_term(whole),
                                   f"the share of {part.subject} in {whole.subject}",
                                   f"{part.subject}占{whole.subject}的比重", [part, whole])
            if finding is not None:
                yield finding


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、．]|[(（][一二三四五六七八九十\d]+[)）])")


def plain_name(label: str) -> str:
    """A line label without its printed numbering (六、科学技术支出 → 科学技术支出)."""
    return _NUMBERING.sub("", norm_label(label))


def table_names(disclosure: Disclosure) -> dict[str, dict[str, list]]:
    """code → name → locators of the lines printing that code with that name."""
    names: dict[str, dict[str, list]] = {}
    for table in disclosure.tables:
        for line in table.lines:
            code = code_of(line)
            if code is None:
                continue
            names.setdefault(code, {}).setdefault(plain_name(line.label), []).append(line.locator)
    return names


_PATH_LEVEL = re.compile(r"([\u4e00-\u9fff()]+?)\((类|款|项)\)")
_CODE_IN_TEXT = re.compile(r"(?<!\d)(\d{3}(?:\d{2}){0,2})(?!\d)\s*[“\"「]?([\u4e00-\u9fff]+)")


@cache
def _class_aliases() -> dict[str, tuple[str, ...]]:
    """Functional class code → its code-list name and older names, through ``norm_label`` (made once)."""
    return {c.code: tuple(norm_label(name) for name in (c.name_zh, *c.aliases))
            for c in recognition().functional_classes}


def check_code_names(disclosure: Disclosure) -> Iterator[Finding]:
    """A code named in the text must carry the name the tables print for it."""
    names = table_names(disclosure)
    seen: set[tuple[str, str]] = set()
    for claim in disclosure.claims:
        if not claim.code:
            continue
        stated_names: list[tuple[str, str]] = []
        if claim.code_name:
            stated_names.append((claim.code, plain_name(claim.code_name)))
        for match in _PATH_LEVEL.finditer(norm_label(claim.sentence)):  # X(类)Y(款)Z(项): every level
            length = {"类": 3, "款": 5, "项": 7}[match.group(2)]
            if len(claim.code) >= length:
                stated_names.append((claim.code[:length], plain_name(match.group(1))))
        for code, stated in stated_names:
            if code not in names or stated in names[code] or (code, stated) in seen:
                continue
            seen.add((code, stated))
            yield _name_finding(code, stated, names[code], claim.sentence, claim.locator)
    aliases = _class_aliases()
    named = [(code, printed, aliases[code]) for code, printed in names.items() if code in aliases]
    for section in disclosure.sections:
        if section.key in ("glossary",):
            continue
        for paragraph in section.paragraphs:
            text = norm_label(paragraph)
            for match in _CODE_IN_TEXT.finditer(text):
                code, words = match.group(1), match.group(2)
                if code not in names or (code, words) in seen:
                    continue
                if any(words.startswith(name) for name in names[code]):
                    continue
                seen.add((code, words))
                yield _name_finding(code, words, names[code], paragraph, _paragraph_locator(disclosure, section, paragraph))
            for code, printed, names_of_class in named:
                for alias_norm in names_of_class:
                    if alias_norm in printed or (code, alias_norm) in seen:
                        continue
                    if alias_norm not in text or any(alias_norm in name for name in printed):
                        continue
                    seen.add((code, alias_norm))
                    yield _name_finding(code, alias_norm, printed, paragraph,
                                        _paragraph_locator(disclosure, section, paragraph))


def _paragraph_locator(disclosure: Disclosure, section, paragraph: str):
    """The place of a paragraph: that of a figure stated in it, else its section heading."""
    text = norm_label(paragraph)
    for claim in disclosure.claims:
        if claim.section == section.key and norm_label(claim.sentence) in text:
            return claim.locator
    return section.locator


def _name_finding(code: str, stated: str, printed: dict[str, list], sentence: str, locator) -> Finding:
    table_name = sorted(printed)[0]
    first = printed[table_name][0]
    return Finding(
        "narrative-code-name-mismatch", WARNING,
        f"text “{sentence[:80]}”: code {code} is named {stated}, the tables print {table_name}",
        f"说明“{sentence[:80]}”：科目{code}称为“{stated}”，表格中为“{table_name}”",
        (), (locator, first), "code-name",
    )


def check_narrative(disclosure: Disclosure, declared: Identities, figures: Figures | None = None) -> list[Finding]:
    figures = figures or Figures()
    findings: list[Finding] = []
    findings.extend(check_amounts(disclosure, declared, figures))
    findings.extend(check_code_amounts(disclosure, declared))
    findings.extend(check_change_sums(disclosure, declared))
    findings.extend(check_changes(disclosure, declared, figures))
    findings.extend(check_shares(disclosure))
    findings.extend(check_comparisons(disclosure, declared))
    findings.extend(check_code_names(disclosure))
    return findings
