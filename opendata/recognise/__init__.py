"""Recognition: a ``SourceDocument`` to a typed ``Disclosure``.

Tables are found by title and header (vocab/recognition.toml), merged across page breaks and
read by layout family; the rest is narrative. Every cell consumed is marked in a ledger so that
the coverage account can list every number of the source as captured or not understood.
"""

from __future__ import annotations

from ..errors import Locator, UnreadableInput
from ..model.disclosure import AssetHolding, Disclosure, Institution, ProcurementLine, Source, Table, TocEntry
from ..model.money import Unit
from ..read.document import SourceDocument, SourceLine
from ..vocab import norm_label
from .context import Context
from .grid import build_coded, build_items, build_two_sided
from .identity import find_department, find_division, find_phase, find_scope, find_year
from .listings import build_assets, build_institutions, build_procurement
from .narrative import build_sections, resolve_codes
from .projects import build_project
from .segment import NarrativeLine, TableBlock, TocLine, is_meta, segment, strip_numbering, toc_parts

__all__ = ["recognise"]

_BUILDERS = {"coded": build_coded, "two-sided": build_two_sided, "items": build_items}


def _first_unit(document: SourceDocument) -> Unit | None:
    for line in document.lines:
        for cell in line.cells:
            text = norm_label(cell)
            if text.startswith(("单位:", "金额单位:")) or ("单位:" in text and len(text) < 30):
                unit = Unit.parse(text.split("单位:", 1)[1])
                if unit:
                    return unit
    return None


def _check_cut_off(block: TableBlock, document: SourceDocument, reached_end: bool) -> None:
    """A table that stops mid-way at the end of the file cannot be trusted: refuse it."""
    if not reached_end or block.kind.layout in ("project", "institutions"):
        return
    width = max((len(line.cells) for line in ([block.serial_row] if block.serial_row else []) + block.header), default=0)
    if not block.rows and not block.notes:
        raise UnreadableInput(
            f"table {block.title!r} ends before its first row (the file is cut off)",
            document.locate(block.title_line).at(table=block.kind.key),
        )
    last = block.rows[-1] if block.rows else None
    if block.kind.layout == "two-sided":
        labels = {strip_numbering(cell) for line in block.rows for cell in line.cells}
        if not labels & {"支出总计", "收入总计", "总计"}:
            raise UnreadableInput(
                f"table {block.title!r} is cut off: the file ends before its 总计 rows",
                document.locate(last or block.title_line).at(table=block.kind.key),
            )
    if last is not None and width and len(last.cells) < width - 1:
        raise UnreadableInput(
            f"table {block.title!r} is cut off mid-row ({len(last.cells)} of {width} cells)",
            document.locate(last).at(table=block.kind.key),
        )


def recognise(document: SourceDocument) -> Disclosure:
    """Read the standard tables, projects, listings and narrative of one document."""
    context = Context(document, default_unit=_first_unit(document))
    for page in document.blank_pages:
        context.note(
            "page-without-text",
            f"page {page} has no text layer: anything printed on it as an image (a scan) cannot be read",
            Locator(document.name, page=page),
        )
    blocks = segment(document.lines)
    table_blocks = [b for b in blocks if isinstance(b, TableBlock)]
    if not table_blocks:
        first = next((line for line in document.lines if not line.is_empty()), document.lines[0])
        raise UnreadableInput("no recognisable budget table (no line holds a known table title)", document.locate(first))
    last_line = max((line.line for line in document.lines if not line.is_empty()), default=0)
    tables: list[Table] = []
    projects = []
    procurement: list[ProcurementLine] = []
    assets: list[AssetHolding] = []
    institutions: list[Institution] = []
    narrative: list[SourceLine] = []
    toc: list[TocEntry] = []
    for block in blocks:
        if isinstance(block, NarrativeLine):
            narrative.append(block.line)
            continue
        if isinstance(block, TocLine):
            title, page = toc_parts(block.line)
            toc.append(TocEntry(title, page, context.locate(block.line)))
            for index, cell in enumerate(block.line.cells):
                if cell.strip():
                    status = "toc-page" if cell.strip().isdigit() or (page and cell.strip().endswith(str(page))) else "text"
                    context.ledger.mark(block.line, index, status, "page number of the table of contents" if status == "toc-page" else "")
            continue
        end = max(
            line.line
            for line in block.rows + block.notes + block.header + block.meta + [block.title_line, block.serial_row]
            if line is not None
        )
        _check_cut_off(block, document, end >= last_line)
        layout = block.kind.layout
        if layout in _BUILDERS:
            tables.append(_BUILDERS[layout](block, context))
        elif layout == "project":
            projects.append(build_project(block, context, len(projects) + 1))
        elif layout == "procurement":
            procurement.extend(build_procurement(block, context))
        elif layout == "assets":
            assets.extend(build_assets(block, context))
        elif layout == "institutions":
            institutions.extend(build_institutions(block, context))
    sections, glossary, claims = build_sections(narrative, context) if narrative else ((), (), ())
    claims = resolve_codes(claims, tuple(tables))
    titles = [b.title for b in table_blocks] + [" ".join(line.filled) for line in narrative[:5]]
    department = find_department(table_blocks, narrative)
    year = find_year(table_blocks, list(document.lines))
    if year is None:
        raise UnreadableInput("no fiscal year found (no 预算年度 line and no year in a title)", document.locate(document.lines[0]))
    phase = find_phase([b.title for b in table_blocks] + [line.filled[0] for line in narrative[:3]])
    scope = find_scope(titles, department)
    division = find_division(department, tuple(projects), year)
    title = next(
        (" ".join(line.filled) for line in narrative if department.name and department.name in "".join(line.filled)
         and ("预算" in "".join(line.filled) or "决算" in "".join(line.filled)) and len("".join(line.filled)) < 80
         and not is_meta(line) and not any(mark in "".join(line.filled) for mark in "，。；")
         and (line.page is None or line.page <= 2)),
        f"{department.name} {year}年{'部门决算' if phase == 'final' else '部门预算'}",
    )
    return Disclosure(
        source=Source(document.name, document.sha256, document.media_type, document.pages),
        department=department,
        year=year,
        phase=phase,
        scope=scope,
        unit=context.default_unit or (tables[0].unit if tables else Unit.WAN_YUAN),
        division=division,
        title=title,
        tables=tuple(tables),
        projects=tuple(projects),
        procurement=tuple(procurement),
        assets=tuple(assets),
        institutions=tuple(institutions),
        sections=sections,
        glossary=glossary,
        claims=claims,
        toc=tuple(toc),
        coverage=context.ledger.account(document),
        notes=tuple(context.notes),
    )
