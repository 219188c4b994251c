"""What a BI tool sees in the published file: only relations that open, `main` holding the marts, dimensions,
events and check_results with every dbt description as a comment, the star's keys declared, SQLAlchemy
reflection as Superset runs it, and every published table upstream of `published_warehouse` in the asset graph."""

from __future__ import annotations

import warnings

import duckdb
import pytest
import sqlalchemy as sa
from dagster import AssetKey, AssetMaterialization, AssetSelection, DagsterInstance, build_sensor_context

from dagster_project.assets.dbt import dbt_models, dbt_project
from dagster_project.assets.document_reports import document_partitions
from dagster_project.assets.partitions import FILE_NAME_TAG, FILES_TAG_MAX, files_tag
from dagster_project.bi_surface import BI_SCHEMA, NON_DBT_TABLES, manifest_models, published_models
from dagster_project.definitions import defs
from dagster_project.resources import WarehouseResource
from expectations.identities import IDENTITIES

from .conftest import SAMPLES

MANIFEST = dbt_project.manifest_path


@pytest.fixture()
def published(sample_build):  # closed after each test: duckdb-engine opens the file with another configuration
    con = duckdb.connect(str(sample_build[0]), read_only=True)
    yield con
    con.close()


def relations(con) -> dict[tuple[str, str], str]:
    """(schema, name) → TABLE / VIEW of every user relation in the file."""
    rows = con.execute("""select schema_name, table_name, 'TABLE' from duckdb_tables()
                          where database_name = current_database() and not internal
                          union all
                          select schema_name, view_name, 'VIEW' from duckdb_views()
                          where database_name = current_database() and not internal""").fetchall()
    return {(s, n): k for s, n, k in rows}


def test_every_relation_opens_and_main_is_the_bi_surface(published):
    found = relations(published)
    for schema, name in found:
        published.execute(f'select * from "{schema}"."{name}" limit 1').fetchall()  # raises if it cannot open
    assert {n for s, n in found if s == BI_SCHEMA} == set(published_models(MANIFEST)) | set(NON_DBT_TABLES)
    assert {s for s, _ in found} == {"main", "intermediate", "checks", "catalogues"}
    assert not any(n.startswith("stg_") for _, n in found)
    assert not [n for s, n in found if s == BI_SCHEMA and n.startswith("int_")]


def test_every_description_is_a_comment(published):
    manifest_nodes = {m["name"] for m in manifest_models(MANIFEST) if m["schema"] == BI_SCHEMA}
    tables = published.execute("""select table_name, comment from duckdb_tables()
                                  where database_name = current_database() and schema_name = 'main'""").fetchall()
    assert tables and all(comment for _, comment in tables), [t for t, c in tables if not c]
    missing = published.execute("""select table_name, column_name from duckdb_columns()
                                   where database_name = current_database() and schema_name = 'main'
                                     and coalesce(comment, '') = ''""").fetchall()
    assert missing == []
    # the comments are dbt's descriptions (dim_document's, as written in _marts.yml)
    comment = published.execute("select comment from duckdb_tables() where table_name = 'dim_document'").fetchone()[0]
    assert comment.startswith("文档 Documents") and "dim_document" in manifest_nodes
    seeds = published.execute("""select count(*), count(comment) from duckdb_tables()
                                 where database_name = current_database() and schema_name = 'catalogues'""").fetchone()
    assert seeds[0] == seeds[1] > 0


def test_the_star_keys_are_declared(published):
    keys = published.execute("""select table_name, constraint_column_names, referenced_table, referenced_column_names
                                from duckdb_constraints() where database_name = current_database()
                                  and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')""").fetchall()
    primary = {t: cols for t, cols, ref, _ in keys if ref is None}
    foreign = {(t, cols[0]): (ref, refcols[0]) for t, cols, ref, refcols in keys if ref is not None}
    assert primary == {"dim_document": ["document_id"], "dim_unit": ["unit_key"], "dim_year": ["fiscal_year"],
                       "dim_function_code": ["function_code"], "dim_econ_code": ["econ_code"], "events": ["event_id"]}
    assert foreign[("fact_expenditure", "unit_key")] == ("dim_unit", "unit_key")
    assert foreign[("fact_expenditure", "function_code")] == ("dim_function_code", "function_code")
    assert foreign[("mart_budget_execution", "unit_key")] == ("dim_unit", "unit_key")
    # every join is listed in meta_relationships, which says truthfully which ones DuckDB holds as keys
    listed = published.execute("""select from_table, from_column, to_schema, to_table, to_column, is_foreign_key
                                  from meta_relationships""").fetchall()
    assert {(t, c): (to, col) for t, c, _, to, col, fk in listed if fk} == foreign
    joins = {(t, c): (schema, to, col) for t, c, schema, to, col, _ in listed}
    assert joins[("fact_expenditure", "document_id")] == ("main", "dim_document", "document_id")
    assert joins[("fact_income", "income_source")] == ("catalogues", "income_sources", "code")
    assert len(foreign) >= 25 and len(listed) > len(foreign)
    for t, c, schema, to, col, _ in listed:  # every listed join holds in the data
        assert published.execute(f"""select count(*) from "{t}" f where f."{c}" is not null and not exists
                                     (select 1 from "{schema}"."{to}" d where d."{col}" = f."{c}")""").fetchone()[0] \
            == 0 or (t, c) == ("fact_income", "income_source"), (t, c)


def test_sqlalchemy_reflection_as_superset_runs_it(sample_build):
    """Superset lists schemas, then tables and views, then reflects each table's columns and keys."""
    engine = sa.create_engine(f"duckdb:///{sample_build[0]}", connect_args={"read_only": True})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duckdb-engine: "doesn't yet support reflection on indices"
            inspector = sa.inspect(engine)
            catalog = sample_build[0].stem
            schemas = [s for s in inspector.get_schema_names() if s.startswith(f"{catalog}.")]
            assert f"{catalog}.main" in schemas and not [s for s in schemas if s.endswith(".staging")]
            listed = {}
            for schema in schemas:
                for name in inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema):
                    columns = inspector.get_columns(name, schema=schema)
                    inspector.get_pk_constraint(name, schema=schema)
                    inspector.get_foreign_keys(name, schema=schema)
                    listed[(schema, name)] = columns
            with engine.connect() as conn:
                for schema, name in listed:
                    conn.execute(sa.text(f'select * from {schema}."{name}" limit 1')).fetchall()
        main = {n: cols for (s, n), cols in listed.items() if s == f"{catalog}.main"}
        assert set(main) == set(published_models(MANIFEST)) | set(NON_DBT_TABLES)
        amount = next(c for c in main["fact_expenditure"] if c["name"] == "amount_yuan")
        assert amount["comment"]  # the dbt description, as Superset shows it
        # without a schema duckdb-engine lists every schema's tables: all of them open (checked above)
        assert set(inspector.get_table_names()) <= {n for _, n in listed}
    finally:
        engine.dispose()


def test_every_published_table_is_upstream_of_the_publish_asset(published):
    graph = defs.resolve_asset_graph()
    publish = AssetKey("published_warehouse")
    upstream = AssetSelection.assets(publish).upstream().resolve(graph) - {publish}
    models = {m["name"]: m for m in manifest_models(MANIFEST)}  # a dbt asset's key is its model's name
    dbt_upstream = {(models[k.path[-1]]["schema"], k.path[-1]) for k in upstream & set(dbt_models.keys)
                    if models[k.path[-1]]["materialized"] != "view"}  # views are not published (bi_surface.py)
    published_tables = set(relations(published))
    assert published_tables == dbt_upstream | {(BI_SCHEMA, t) for t in NON_DBT_TABLES}
    # no dbt table is left out of the lineage: every model and seed dbt materializes is an ancestor
    assert dbt_upstream == {(m["schema"], n) for n, m in models.items() if m["materialized"] not in ("view", "ephemeral")}
    # the tables no dbt model builds are assets of their own upstream of the publish step (check_results: the
    # GX suites' verdicts, written by the check_results asset from the identity models in `checks`)
    assert {AssetKey(t) for t in NON_DBT_TABLES} <= upstream - set(dbt_models.keys)
    assert {(s, n) for s, n in published_tables if s == "checks"} >= {("checks", i.model) for i in IDENTITIES}
    # the edges into publish are what `main` shows, so the graph draws each published table's path to it
    direct = {k.path[-1] for k in graph.get(publish).parent_keys}
    assert direct == {n for s, n in published_tables if s == BI_SCHEMA}


def test_report_sensor_waits_for_a_publish(sample_build):
    """Reports are requested once per materialization of published_warehouse, never while a build is on its
    way to the first one; each report run names its file."""
    resource = WarehouseResource(raw_dir=str(SAMPLES), warehouse=str(sample_build[0]))
    with DagsterInstance.ephemeral() as instance:
        def tick(cursor=None):
            return document_partitions(build_sensor_context(instance=instance, cursor=cursor,
                                                            resources={"warehouse": resource}))

        before = tick()  # the file exists, but this instance has not published it
        assert not before.run_requests and "published_warehouse" in before.skip_reason.skip_message
        instance.report_runless_asset_event(AssetMaterialization(AssetKey("published_warehouse")))
        after = tick()
        with duckdb.connect(str(sample_build[0]), read_only=True) as con:
            names = {r[0] for r in con.execute("select file_name from dim_document").fetchall()}
        assert len(after.run_requests) == len(names) and after.cursor
        assert {r.tags[FILE_NAME_TAG] for r in after.run_requests} == names
        assert not tick(after.cursor).run_requests  # nothing published since


def test_run_tags_name_the_files():
    assert files_tag(["a.pdf", "b.pdf"]) == "a.pdf, b.pdf"
    many = files_tag([f"{i:03d}-部门预算.pdf" for i in range(100)])
    assert len(many) <= FILES_TAG_MAX and many.endswith("more)") and many.startswith("000-部门预算.pdf")
    assert defs.resolve_job_def("build_warehouse").executor_def.name == "in_process"
