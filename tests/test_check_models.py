"""The accounting identities are dbt models (dbt/models/checks/chk_<identity>.sql) registered in
expectations/identities.py: the registry and the models agree, every model returns the identity contract,
check_results holds exactly what the models computed, the asset graph draws what each check reads, and the
models' dbt unit tests (dbt/models/checks/_checks.yml: printed precision, the wide pivot) pass — and fail
when their expectation is wrong."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import AssetCheckKey, AssetKey

from dagster_project.assets.checks import identity_checks
from dagster_project.assets.dbt import dbt_project
from dagster_project.definitions import defs
from dagster_project.settings import CHECKS_SCHEMA
from expectations.identities import IDENTITIES, IDENTITY_COLUMNS, MODEL_PREFIX

from .conftest import REPO

DBT_DIR = REPO / "dbt"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(Path(dbt_project.manifest_path).read_text())


def check_nodes(manifest: dict) -> dict[str, dict]:
    """The dbt models under models/checks/, by name."""
    return {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["original_file_path"].startswith("models/checks/")
    }


def test_every_identity_is_one_model_and_every_identity_model_is_registered(manifest):
    nodes = check_nodes(manifest)
    registered = {i.model for i in IDENTITIES}
    assert len(registered) == len(IDENTITIES) == len({i.name for i in IDENTITIES})
    assert registered == {n for n in nodes if n.startswith(MODEL_PREFIX)}
    for name, node in nodes.items():
        assert node["schema"] == CHECKS_SCHEMA and node["config"]["materialized"] == "table", name
        assert node["description"], name
    assets = defs.resolve_asset_graph().get_all_asset_keys()
    for identity in IDENTITIES:  # the contract, described in _checks.yml
        assert tuple(nodes[identity.model]["columns"]) == IDENTITY_COLUMNS, identity.model
        assert identity.severity in ("ERROR", "WARN") and AssetKey(identity.asset) in assets, identity.name


def test_no_identity_sql_is_left_in_python():
    source = (REPO / "expectations" / "identities.py").read_text().lower()
    for word in ("select ", " from ", "group by", "int_table_cells"):
        assert word not in source, word


def test_models_return_the_contract_and_check_results_holds_their_rows(wh):
    for identity in IDENTITIES:
        columns = [
            r[0]
            for r in wh.execute(
                """select column_name from information_schema.columns
               where table_catalog = current_database() and table_schema = ? and table_name = ?
               order by ordinal_position""",
                [CHECKS_SCHEMA, identity.model],
            ).fetchall()
        ]
        assert columns[: len(IDENTITY_COLUMNS)] == list(IDENTITY_COLUMNS), identity.model
        # every row with a side printed is judged once, with its figures as the model computed them
        model = wh.execute(
            f"""select document_id, item, coalesce(expected, 0), coalesce(actual, 0)
                from {CHECKS_SCHEMA}.{identity.model} where expected is not null or actual is not null"""
        ).fetchall()
        results = wh.execute(
            """select document_id, item, expected_yuan, actual_yuan from check_results where identity = ?""",
            [identity.name],
        ).fetchall()
        assert sorted((d, i, float(e), float(a)) for d, i, e, a in model) == sorted(results), identity.name
    assert wh.execute("select count(distinct identity) from check_results").fetchone()[0] > 10


def test_the_graph_draws_what_each_check_reads():
    graph = defs.resolve_asset_graph()
    check_results = graph.get(AssetKey("check_results"))
    models = {AssetKey(i.model) for i in IDENTITIES}
    assert models <= set(check_results.parent_keys)
    # the identity models read the intermediate tables and marts (through dbt refs, not a regex over SQL)
    lines_sum = graph.get(AssetKey("chk_lines_sum_to_stated_total"))
    assert AssetKey("int_table_cells") in lines_sum.parent_keys
    facts_sum = graph.get(AssetKey("chk_facts_sum_to_stated_total"))
    assert {
        AssetKey("fact_expenditure"),
        AssetKey("precision_fact_lines"),
        AssetKey("int_unit_totals"),
    } <= set(facts_sum.parent_keys)
    # each asset check depends on its identity's model and on check_results, on the mart it is attached to
    specs = {spec.key: spec for spec in identity_checks.check_specs}
    assert len(specs) == len(IDENTITIES)
    for identity in IDENTITIES:
        spec = specs[AssetCheckKey(AssetKey(identity.asset), identity.name)]
        deps = {d.asset_key for d in spec.additional_deps}
        assert deps == {AssetKey(identity.model), AssetKey("check_results")}, identity.name


def _dbt_unit_tests(build_db: Path, work: Path) -> subprocess.CompletedProcess:
    """`dbt test --select test_type:unit` on a private copy of a build file (dbt opens it for writing)."""
    db = work / "build.duckdb"
    shutil.copy(build_db, db)
    env = {**os.environ, "BUDGETWH_BUILD_DB": str(db), "BUDGETWH_EVENTS_DB": str(work / "events.duckdb")}
    shutil.copy(build_db.parent.parent / "events.duckdb", work / "events.duckdb")
    dbt = str(Path(sys.executable).with_name("dbt"))
    return subprocess.run(
        [
            dbt,
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(work / "dbt"),
            "--profiles-dir",
            str(work / "dbt"),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_dbt_unit_tests_of_the_identity_models_pass_and_can_fail(sample_build, tmp_path):
    build_db = sample_build[0].parent / "build" / sample_build[0].name
    project = tmp_path / "dbt"
    shutil.copytree(DBT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    proc = _dbt_unit_tests(build_db, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    for name in (
        "printed_precision_is_the_coarsest_printed_place_of_the_row",
        "lines_sum_to_the_total_row_at_the_printed_precision",
    ):
        assert f"{name}  [" in proc.stdout and "PASS" in proc.stdout, proc.stdout[-3000:]
    # a wrong expectation (0.1 where the figures print two decimals) makes the unit test fail
    spec = project / "models" / "checks" / "_checks.yml"
    text = spec.read_text()
    assert text.count("n_terms: 3, unit_yuan: 0.01}") == 1
    spec.write_text(text.replace("n_terms: 3, unit_yuan: 0.01}", "n_terms: 3, unit_yuan: 0.1}"))
    failed = _dbt_unit_tests(build_db, tmp_path)
    assert failed.returncode != 0 and "FAIL 1 chk_lines_sum_to_stated_total" in failed.stdout, failed.stdout[
        -3000:
    ]
