{#- The star's joins, for BI tools that import relationships rather than read foreign keys: one row per dbt
    `relationships` test on a model of this schema (the tests are the one place the joins are declared),
    saying whether DuckDB also holds it as a foreign key (a column constraint in the contracts). -#}
{%- set rows = [] -%}
{%- if execute -%}
  {%- for test in graph.nodes.values()
        if test.resource_type == 'test' and test.test_metadata and test.test_metadata.name == 'relationships' -%}
    {%- set kwargs = test.test_metadata.kwargs -%}
    {%- set model = graph.nodes.get(test.attached_node) -%}
    {%- set target = graph.nodes.get(test.depends_on.nodes | reject('equalto', test.attached_node) | first) -%}
    {%- if model and target and model.schema == this.schema -%}
      {%- set column = kwargs.column_name -%}
      {%- set constraints = (model.columns.get(column) or {}).get('constraints') or [] -%}
      {%- set is_fk = constraints | selectattr('type', 'equalto', 'foreign_key') | list | length > 0 -%}
      {%- do rows.append("('" ~ model.name ~ "', '" ~ column ~ "', '" ~ target.schema ~ "', '" ~ target.name
            ~ "', '" ~ kwargs.field ~ "', " ~ ('true' if is_fk else 'false') ~ ", '"
            ~ (test.config.severity | lower) ~ "')") -%}
    {%- endif -%}
  {%- endfor -%}
{%- endif %}
select cast(from_table as varchar) as from_table, cast(from_column as varchar) as from_column,
       cast(to_schema as varchar) as to_schema, cast(to_table as varchar) as to_table,
       cast(to_column as varchar) as to_column, cast(is_foreign_key as boolean) as is_foreign_key,
       cast(test_severity as varchar) as test_severity
from (values
  {{ rows | sort | join(',\n  ') if rows else "(null, null, null, null, null, null, null)" }}
) as t(from_table, from_column, to_schema, to_table, to_column, is_foreign_key, test_severity)
{% if not rows %}where false{% endif %}
