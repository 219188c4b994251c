"""Untrusted input → typed values, or a reason a person reads. Pure functions, no Dagster, no database.

One home for each rule: the CLI, the assets and the ingest use these, the tests call them directly.
- `parse_as_of`: a build's --as-of timestamp (the dbt macro `as_of_filter` checks the same shape again);
- `parse_amount_text`: the value of a `budgetwh correct`;
- `check_document_prefix`: a document id prefix (hex only, so it is never a pattern);
- `parse_sidecar`: a `name.pdf.meta.yaml` beside a document.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

# --- as-of timestamps ----------------------------------------------------------------------------------

# The one shape an as-of timestamp reaches dbt in (UTC, no zone); dbt/macros/parsing.sql holds the same
# pattern and refuses anything else, so no text can leave the SQL string literal it is put in.
AS_OF_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?$"
AS_OF_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def parse_as_of(text: str) -> str:
    """An ISO timestamp ('2026-12-03', '2026-12-03 08:00', '2026-12-03T08:00:00+08:00') → the canonical
    UTC text dbt receives. A zone-less time is taken as UTC (events are recorded in UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"--as-of {text!r} is not a timestamp; give e.g. '2026-12-03 08:00:00' (UTC)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    canonical = moment.strftime(AS_OF_FORMAT)
    assert re.fullmatch(AS_OF_PATTERN, canonical), canonical  # the shape the macro accepts
    return canonical


# --- corrected amounts ---------------------------------------------------------------------------------

BLANK_VALUES = ("", "-")  # the explicit blanks: a printed cell with no amount
MAX_AMOUNT = Decimal("1e18")  # decimal(24, 6) in the marts holds 18 integer digits


def parse_amount_text(value: str) -> str:
    """The text of a corrected amount cell, as the marts will parse it ("1,234.56", "-12.5", or an explicit
    blank "" / "-"); anything else is refused before it is appended."""
    text = value.strip()
    if text in BLANK_VALUES:
        return text
    digits = re.sub(r"[,，\s]", "", text)
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", digits):
        raise ValueError(f"--value {value!r} is not an amount; give e.g. 1,234.56 (or '' for a blank cell)")
    amount = Decimal(digits)
    if not math.isfinite(amount) or abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"--value {value!r} is out of range (at most 18 digits before the point)")
    return text


# --- document ids --------------------------------------------------------------------------------------


def check_document_prefix(prefix: str) -> str:
    """A document id prefix: hexadecimal digits (a sha256), matched literally, never as a pattern."""
    text = prefix.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{1,64}", text):
        raise ValueError(f"document id {prefix!r}: give hexadecimal digits of the document id")
    return text


# --- sidecars ------------------------------------------------------------------------------------------

MAX_SIDECAR_BYTES = 64 << 10
MAX_TEXT_CHARS = 100  # a region or office name is tens of characters
MIN_YEAR, MAX_YEAR = 2000, 2100
DOC_KINDS = ("department", "unit", "narrative")


@dataclass(frozen=True)
class SidecarResult:
    """What a sidecar states (fields), or why it was refused (reason); never both."""

    fields: dict[str, Any] | None
    reason: str | None = None


class _NoAliasLoader(yaml.SafeLoader):
    """yaml.SafeLoader refusing aliases: `*a` can expand a few bytes into gigabytes (a billion laughs)."""

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError(f"aliases are not allowed (line {self.peek_event().start_mark.line + 1})")
        return super().compose_node(parent, index)


@cache
def division_codes() -> frozenset[str]:
    """China's 6-digit administrative division codes (province, city, county), from cpca's table."""
    text = resources.files("cpca.resources").joinpath("adcodes.csv").read_text(encoding="utf-8")
    codes = {row["adcode"][:6] for row in csv.DictReader(io.StringIO(text))}
    # cpca lists counties and cities; a province's code (110000) is a division code as well
    return frozenset(codes | {c[:2] + "0000" for c in codes})


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not re.fullmatch(r"[0-9]{4}", str(value)):
        raise ValueError(f"fiscal_year {value!r:.40} is not a year")
    if not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise ValueError(f"fiscal_year {value} is outside {MIN_YEAR}–{MAX_YEAR}")
    return int(value)


def _region_code(value: Any) -> str:
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not re.fullmatch(r"[0-9]{6}", text):
        raise ValueError(f"region_code {value!r:.40} is not a 6-digit division code")
    if text not in division_codes():
        raise ValueError(f"region_code {text} is not in the division table")
    return text


def _code(name: str):
    def check(value: Any) -> str:
        text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
        if not re.fullmatch(r"[0-9A-Za-z]{1,32}", text):
            raise ValueError(f"{name} {value!r:.40} is not a code (1–32 letters or digits)")
        return text
    return check


def _region_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"region_name {value!r:.40} is not a name")
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"region_name is {len(value):,} characters long (at most {MAX_TEXT_CHARS})")
    if any(not ch.isprintable() for ch in value):
        raise ValueError("region_name holds control characters")
    return value.strip()


def _doc_kind(value: Any) -> str:
    if value not in DOC_KINDS:
        raise ValueError(f"doc_kind {value!r:.40} is not one of {', '.join(DOC_KINDS)}")
    return value


STATEMENTS = ("budget", "final_accounts")


def _statement(value: Any) -> str:
    if value not in STATEMENTS:
        raise ValueError(f"statement {value!r:.40} is not one of {', '.join(STATEMENTS)}")
    return value


FIELD_RULES = {"fiscal_year": _year, "region_code": _region_code, "region_name": _region_name,
               "doc_kind": _doc_kind, "statement": _statement, "subject_code": _code("subject_code"),
               "department_code": _code("department_code")}
SIDECAR_FIELDS = tuple(FIELD_RULES)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's message without the echoed source: the problem and its line."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    text = f"{problem} (line {mark.line + 1})" if problem and mark else str(exc)
    return " ".join(text.split())[:200]


def parse_sidecar(data: bytes) -> SidecarResult:
    """A sidecar's bytes → its validated fields, or the reason it is refused. Never raises: a sidecar
    cannot stop a build, it is only used when every field it states is valid."""
    if len(data) > MAX_SIDECAR_BYTES:
        return SidecarResult(None, f"too large: {len(data):,} bytes (at most {MAX_SIDECAR_BYTES:,})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return SidecarResult(None, f"not UTF-8 text (byte {exc.start})")
    try:
        doc = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader without aliases
    except yaml.YAMLError as exc:
        return SidecarResult(None, f"not valid YAML: {_yaml_problem(exc)}")
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:  # e.g. nesting too deep
        return SidecarResult(None, f"not valid YAML: {type(exc).__name__}")
    if not isinstance(doc, dict) or not doc:
        return SidecarResult(None, f"must be a mapping of fields ({', '.join(SIDECAR_FIELDS)}), "
                                   f"not {type(doc).__name__}")
    unknown = sorted(str(k)[:40] for k in doc if k not in FIELD_RULES)
    if unknown:
        return SidecarResult(None, f"unknown fields {unknown[:5]}; allowed: {', '.join(SIDECAR_FIELDS)}")
    fields, problems = {}, []
    for key, value in doc.items():
        try:
            fields[key] = FIELD_RULES[key](value)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        return SidecarResult(None, "; ".join(problems))
    return SidecarResult(fields)

