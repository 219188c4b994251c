"""The dbt SQL stays portable: the whole project compiles for a second adapter (dbt-postgres, target
`portable_check` in dbt/profiles.yml) and every compiled model and test is Postgres SQL.

`dbt compile --no-populate-cache` renders the project without opening a connection (the profile points
at a host that does not exist), so no database server is needed. Each compiled file must then parse
with sqlglot in the Postgres dialect, and none may keep a DuckDB-only construct: those live only in the
`duckdb__` implementations of the dispatched macros in dbt/macros/portable.sql.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from .conftest import REPO

DIALECT = "postgres"

# DuckDB syntax and functions Postgres does not have, matched on the token stream (comments and string
# literals removed), so a word in a comment or a regex does not count.
DUCKDB_ONLY = {
    "qualify": r"\bqualify\b",
    "union all by name": r"\bby name\b",
    "select * replace (…)": r"\* replace \(",
    "select * exclude (…)": r"\* exclude \(",
    "group by all": r"\bgroup by all\b",
    "json_extract_string": r"\bjson_extract_string\b",
    "json_extract": r"\bjson_extract\b",
    "cast(… as json[])": r"\bjson \[ \]",
    "::json[]": r":: json\b",
    "regexp_matches": r"\bregexp_matches\b",
    "regexp_extract": r"\bregexp_extract\b",
    "first(… order by …)": r"\bfirst \(",
    "any_value": r"\bany_value\b",
    "min_by / max_by": r"\b(min|max)_by\b",
    "try_cast": r"\btry_cast\b",
    "ignore nulls": r"\bignore nulls\b",
    "list functions": r"\b(list|list_filter|list_transform|list_contains|list_position|list_concat)\b \(",
    "len()": r"\blen \(",
    "range()": r"\brange \(",
    "map_extract / MAP {…}": r"\bmap_extract\b|\bmap \{",
    "list literal […]": r"(^|[(,=] )\[",
    "lambda x -> …": r"\w+ -> ",
}

ENV = {
    **os.environ,
    # no server at this address: compiling must not need one
    "BUDGETWH_PG_HOST": "no-such-host.invalid",
    "BUDGETWH_PG_PORT": "5432",
    "BUDGETWH_PG_DBNAME": "budgetwh",
    # is_incremental() would ask the server whether a table exists: render the incremental branches instead
    "BUDGETWH_COMPILE_ONLY": "1",
}


def duckdb_only_constructs(sql: str) -> list[str]:
    """Names of the DuckDB-only constructs in `sql` (empty when it is portable)."""
    tokens = sqlglot.tokenize(sql, read=DIALECT)
    text = " ".join("''" if t.token_type == TokenType.STRING else t.text.lower() for t in tokens)
    return [name for name, pattern in DUCKDB_ONLY.items() if re.search(pattern, text)]


def parse_error(sql: str) -> str | None:
    try:
        for statement in sqlglot.parse(sql, read=DIALECT):
            if statement is None:
                continue
    except SqlglotError as e:
        return str(e).splitlines()[0][:300]
    return None


@pytest.fixture(scope="module")
def compile_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("portable_check")


@pytest.fixture(scope="module")
def compiled(compile_dir) -> dict[str, str]:
    out = compile_dir
    dbt = str(Path(sys.executable).with_name("dbt"))
    proc = subprocess.run(
        [dbt, "compile", "--project-dir", str(REPO / "dbt"), "--profiles-dir", str(REPO / "dbt"),
         "--target", "portable_check", "--no-populate-cache", "--no-partial-parse",
         "--target-path", str(out / "target"), "--log-path", str(out / "logs")],
        capture_output=True, text=True, env=ENV, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    root = out / "target" / "compiled" / "budget_warehouse"
    files = {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.sql"))}
    assert any(name.startswith("models/marts/") for name in files), sorted(files)[:5]
    return files


def test_every_relation_name_fits_a_postgres_identifier(compiled, compile_dir):
    """Postgres truncates or refuses names over 63 bytes: models, seeds and unit tests (dbt names a unit
    test's temporary table after the test) must stay within it."""
    manifest = json.loads((compile_dir / "target" / "manifest.json").read_text())
    names = [n["name"] for n in [*manifest["nodes"].values(), *manifest.get("unit_tests", {}).values()]
             if n["resource_type"] in ("model", "seed", "snapshot", "unit_test")]
    assert names and [n for n in names if len(n.encode()) > 63] == []


def test_every_model_and_test_compiles_for_postgres(compiled):
    # models/<dir>/<model>.sql; generic tests from the .yml files land in models/<dir>/<file>.yml/
    models = {Path(name).stem for name in compiled
              if name.startswith("models/") and not Path(name).parent.name.endswith(".yml")}
    project_models = {p.stem for p in (REPO / "dbt" / "models").rglob("*.sql")}
    assert models == project_models
    singular = {Path(name).stem for name in compiled if name.startswith("tests/")}
    assert singular == {p.stem for p in (REPO / "dbt" / "tests").glob("*.sql")}
    assert len(compiled) - len(models) - len(singular) > 100  # the generic tests of the .yml files


def test_compiled_sql_parses_as_postgres(compiled):
    errors = {name: err for name, sql in compiled.items() if (err := parse_error(sql))}
    assert not errors, "\n".join(f"{name}: {err}" for name, err in errors.items())


def test_no_duckdb_only_syntax_in_compiled_sql(compiled):
    found = {name: hits for name, sql in compiled.items() if (hits := duckdb_only_constructs(sql))}
    assert not found, "\n".join(f"{name}: {', '.join(hits)}" for name, hits in found.items())


def test_every_relation_is_in_the_target_database(compiled):
    """Postgres cannot read another database: the event log source must not keep DuckDB's `event_store`
    catalog (the attached events file) on this target."""
    databases = {m.group(1) for sql in compiled.values() for m in re.finditer(r'"(\w+)"\."\w+"\."\w+"', sql)}
    assert databases == {"budgetwh"}, databases


@pytest.mark.parametrize("sql", [
    "select * from t qualify row_number() over (partition by a order by b) = 1",
    "select a from t union all by name select a from u",
    "select * replace (lower(a) as a) from t",
    "select json_extract_string(payload, '$.x') from t",
    "select * from t, unnest(cast(json_extract(j, '$[*]') as json[])) as u(x)",
    "select regexp_matches(a, '^3') from t",
    "select first(a order by b) from t",
    "select list_filter(xs, x -> x is not null) from t",
    "select a from t group by all",
])
def test_the_check_catches_duckdb_syntax(sql):
    assert duckdb_only_constructs(sql), sql


@pytest.mark.parametrize("sql", [
    "select regexp_replace(a, '[,，\\s]', '', 'g') as b from t -- qualify, json_extract_string",
    "select (payload ->> 'x') as x, cardinality(xs) from t where a ~ '^(正向|反向)'",
    "select coalesce((array_agg(a order by b) filter (where a is not null))[1], 'json_extract') from t",
])
def test_the_check_accepts_postgres_sql(sql):
    assert not duckdb_only_constructs(sql), sql
    assert parse_error(sql) is None
