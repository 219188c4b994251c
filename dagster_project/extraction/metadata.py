"""Document metadata read from the content: fiscal year, region, department, units, document kind.

Every inferred value carries its evidence, because some documents do not state the year or unit on
every table (the Chaoyang 2023 document never prints its year in a table title).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from .text_normalize import squash
from .vocabulary import CODE_NAME_RE

YEAR_RE = re.compile(r"(20\d{2})\s*年")


def infer_year(pages_text: list[str], tables: list[dict[str, Any]]) -> tuple[int | None, str]:
    for t in tables:
        for line in t.get("context", []):
            m = re.search(r"预算年度[:：]\s*(20\d{2})", line)
            if m:
                return int(m.group(1)), f"context line on p{t.get('page')}: {line.strip()}"
    first = pages_text[0] if pages_text else ""
    for line in first.splitlines()[:15]:
        m = re.search(r"(20\d{2})\s*年.*(预算|决算)", line)
        if m:
            return int(m.group(1)), f"title on p1: {line.strip()}"
    # the year and its words on separate lines of the cover ("…社会工作部 2024 年度" / "部门决算")
    cover = squash("".join(first.splitlines()[:15]))
    m = re.search(r"(20\d{2})年度?.{0,20}?(预算|决算)", cover)
    if m:
        return int(m.group(1)), f"cover of p1: {m.group(0)}"
    for t in tables:
        m = YEAR_RE.search(t.get("title", ""))
        if m:
            return int(m.group(1)), f"table title on p{t.get('page')}: {t['title'].strip()}"
    counts = Counter(int(y) for text in pages_text for y in YEAR_RE.findall(text))
    if counts:
        year, n = counts.most_common(1)[0]
        return year, f"most frequent year in the text ({n} mentions of {year}年); no table title states it"
    return None, "no year found"


DEPT_LINE_RE = re.compile(r"(?:编制部门|预算主管部门|主管部门|部门名称|部门)[:：]\s*([^\s:：]+?)(?:单位[:：].*)?$")


def department_from_context(pages_text: list[str], tables: list[dict[str, Any]]) -> tuple[str | None, str]:
    """'部门：江苏省政协办公厅 单位：万元' / '编制部门：…' lines name the department."""
    lines = [ln for t in tables for ln in t.get("context", [])] + (pages_text[0].splitlines()[:10] if pages_text else [])
    for line in lines:
        for part in re.split(r"\s{2,}|\s(?=单位[:：])", line.strip()):
            m = DEPT_LINE_RE.search(squash(part))
            if m and len(m.group(1)) >= 4:
                return m.group(1), f"'{line.strip()}'"
    return None, ""


# "预算单位：上海市普陀区社会福利院" (cover), "编制单位：…" / "单位名称：…" (table context): the unit a document
# is about, where it names one
NAMED_UNIT_RE = re.compile(r"^(?:预算单位|编制单位|填报单位|单位名称)[:：](.+)$")
YEAR_PREFIX_RE = re.compile(r"^(?:20\d{2}年度?)")


def unit_name(text: str) -> str:
    """A unit's name as printed, without spaces and without a leading year ("2023 年北京市…中心")."""
    return YEAR_PREFIX_RE.sub("", squash(text))


def named_unit(pages_text: list[str], tables: list[dict[str, Any]]) -> tuple[str | None, str]:
    """The unit named by a '预算单位：…' line of the cover, else by the tables' '编制单位：…' context lines."""
    cover = [seg for line in (pages_text[0].splitlines()[:15] if pages_text else [])
             for seg in re.split(r"\s{2,}|\s(?=单位[:：])", line.strip())]
    context = [ln for t in tables for ln in t.get("context", [])]
    for where, lines in (("cover", cover), ("table context", context)):
        for line in lines:
            m = NAMED_UNIT_RE.match(squash(line))
            if m and m.group(1) not in ("万元", "元") and len(m.group(1)) >= 4:
                return unit_name(m.group(1)), f"{where}: '{line.strip()}'"
    return None, ""


def infer_doc_kind(pages_text: list[str], units: list[dict[str, Any]], has_tables: bool,
                   named_department: bool = False) -> tuple[str, str]:
    head = squash("\n".join(pages_text[:2]))[:400]
    if not has_tables:
        return "narrative", "no financial tables found"
    said = [(head.find(w), w) for w in ("单位预算", "部门预算", "单位决算", "部门决算") if w in head]
    if said:
        words = min(said)[1]  # the first said: a unit budget's text may name its department's budget later
        return ("unit" if words.startswith("单位") else "department"), f"title says {words}"
    if named_department:
        return "department", "tables are headed 部门：…"
    n = sum(1 for u in units if not u["is_department"])
    return ("department", f"{n} units listed") if n > 1 else ("unit", "one unit listed")


def infer_statement(pages_text: list[str], tables: list[dict[str, Any]]) -> tuple[str, str]:
    """'final_accounts' (决算: what was spent) or 'budget' (预算: what was planned): from the words the title
    says first, else from the tables' titles (a 决算 document's tables are 收入支出决算总表, 支出决算表 …)."""
    head = squash("\n".join(pages_text[:2]))[:400]
    said = [(head.find(w), w) for w in ("单位预算", "部门预算", "单位决算", "部门决算") if w in head]
    if said:
        words = min(said)[1]
        return ("final_accounts" if words.endswith("决算") else "budget"), f"title says {words}"
    titled = [squash(t.get("title", "")) for t in tables if t.get("title")]
    final = sum("决算" in t for t in titled)
    if final > len(titled) / 2:
        return "final_accounts", f"{final} of {len(titled)} table titles say 决算"
    return "budget", "title and tables say 预算 (or neither says 决算)"


def collect_units(tables: list[dict[str, Any]]) -> dict[str, str]:
    """Unit codes and names printed in the tables: '201002-名称' cells, code/name column pairs, unit headings."""
    found: dict[str, str] = {}

    def add(code: str, name: str) -> None:
        code, name = squash(code), unit_name(name)
        if code.isdigit() and 3 <= len(code) <= 9 and name and not name[0].isdigit() and not name.startswith("年"):
            found.setdefault(code, name)

    for t in tables:
        if t.get("subject_code") and t.get("subject_name"):
            add(t["subject_code"], t["subject_name"])
        cols = t.get("columns", [])
        for r in t.get("rows", []):
            cells = dict(zip(cols, r["cells"]))
            if "unit" in cells:
                m = CODE_NAME_RE.match(squash(cells["unit"]))
                if m:
                    add(m.group(1), m.group(2))
            if cells.get("unit_code") and cells.get("unit_name"):
                add(cells["unit_code"], cells["unit_name"])
    return found


def load_region_matcher() -> None:
    """Load cpca's division table and build its matcher (about 0.7 s, done on its first lookup of any text),
    so that processes forked afterwards start with them."""
    import cpca

    cpca.transform([""])


@lru_cache(maxsize=256)
def resolve_region(name: str) -> dict[str, str] | None:
    """Administrative division of an office name via cpca (China's division codes), e.g. 北京市东城区… → 110101."""
    import cpca  # slow import: only when needed

    df = cpca.transform([name])
    row = df.iloc[0]
    code = row.get("adcode")
    if not isinstance(code, str) or not code:
        return None
    parts = [p for p in (row.get("省"), row.get("市"), row.get("区")) if isinstance(p, str) and p]
    province = row.get("省") if isinstance(row.get("省"), str) else ""
    city = row.get("市") if isinstance(row.get("市"), str) else ""
    district = row.get("区") if isinstance(row.get("区"), str) else ""
    if city == "市辖区":
        city = province
    return {
        "region_code": code,
        "region_name": "".join(p for p in parts if p != "市辖区"),
        "province": province,
        "city": city,
        "district": district,
    }


def infer_metadata(file_name: str, pages_text: list[str], tables: list[dict[str, Any]]) -> dict[str, Any]:
    evidence: dict[str, str] = {}
    year, evidence["fiscal_year"] = infer_year(pages_text, tables)
    codes = collect_units(tables)

    dept_codes = sorted(c for c in codes if len(c) == 3)
    unit_codes = sorted(c for c in codes if len(c) > 3)
    if dept_codes:
        dept_code = dept_codes[0]
        evidence["department_code"] = f"printed as {dept_code}-{codes[dept_code]}"
    elif unit_codes and len({c[:3] for c in unit_codes}) == 1:
        dept_code = unit_codes[0][:3]
        evidence["department_code"] = f"common prefix of unit codes {', '.join(unit_codes)}"
    else:
        dept_code = None
        evidence["department_code"] = "not found"
    context_name, context_evidence = department_from_context(pages_text, tables)
    dept_name = codes.get(dept_code or "") or context_name or _department_name_from_text(pages_text, tables)
    if dept_code and dept_code not in codes:
        evidence["department_name"] = context_evidence or "document title / 部门名称 cell"
    if not dept_code and dept_name:
        # Some offices print no unit codes at all: the name stands in as the code, so keys stay readable.
        dept_code = dept_name
        evidence["department_code"] = f"no code printed; the department name stands in ({context_evidence})"

    units = []
    if dept_code:
        units.append({"unit_code": dept_code, "unit_name": dept_name, "is_department": True})
    units += [{"unit_code": c, "unit_name": codes[c], "is_department": False} for c in unit_codes]
    kind, evidence["doc_kind"] = infer_doc_kind(pages_text, units, bool(tables), bool(context_name))
    statement, evidence["statement"] = infer_statement(pages_text, tables)

    subject_code, subject_name = dept_code, dept_name
    if kind == "unit":
        # a unit document is about its own unit, never its department: the unit its cover names (by the
        # code printed with that name, else by the name), else the one unit its tables list
        named, named_evidence = named_unit(pages_text, tables)
        by_name = [c for c in codes if unit_name(codes[c]) == named] if named else []
        if by_name:
            subject_code, subject_name = by_name[0], codes[by_name[0]]
            evidence["subject_code"] = f"code printed with the unit named on the {named_evidence}"
        elif len(unit_codes) == 1:
            subject_code, subject_name = unit_codes[0], codes[unit_codes[0]]
            evidence["subject_code"] = "the one unit the tables list"
        elif named and named != unit_name(dept_name or ""):
            # no code printed for it: the name is the key (documented in docs/architecture.md)
            subject_code, subject_name = named, named
            evidence["subject_code"] = f"no code printed; the unit's name stands in ({named_evidence})"
            units.append({"unit_code": named, "unit_name": named, "is_department": False})

    region = None
    for candidate in [subject_name, dept_name, *codes.values(), *(pages_text[0].splitlines()[:10] if pages_text else [])]:
        if candidate:
            region = resolve_region(candidate)
            if region:
                evidence["region_code"] = f"division of '{candidate}'"
                break
    return {
        "doc_kind": kind,
        "statement": statement,
        "fiscal_year": year,
        **(region or {"region_code": None, "region_name": None, "province": None, "city": None, "district": None}),
        "department_code": dept_code,
        "department_name": dept_name,
        "subject_code": subject_code,
        "subject_name": subject_name,
        "units": units,
        "evidence": evidence,
    }


def _department_name_from_text(pages_text: list[str], tables: list[dict[str, Any]]) -> str | None:
    for t in tables:
        for cells in [*t.get("header_rows", []), *(r["cells"] for r in t.get("rows", []))]:
            for i, c in enumerate(cells[:-1]):
                if squash(c) in ("部门（单位）名称", "部门(单位)名称", "部门名称"):
                    rest = [squash(x) for x in cells[i + 1 :] if squash(x)]
                    if rest:
                        return rest[0]
    lines = (pages_text[0].splitlines() if pages_text else [])[:10]
    # a title on one line, else the cover's lines read as one ("中共上海市普陀区委" / "社会工作部 2024 年度" / "部门决算")
    for s in [*(squash(line) for line in lines), squash("".join(lines))]:
        m = OFFICE_TITLE_RE.search(s)
        if m:
            return m.group(1)
    return None


OFFICE_TITLE_RE = re.compile(
    r"(?:20\d{2}年度?)?(.+?(?:局|委员会|委|办公厅|办公室|办事处|中心|院|所|厅|部))(?:20\d{2}年度?)?(?:本级)?(?:部门|单位)?(?:预算|决算)"
)
