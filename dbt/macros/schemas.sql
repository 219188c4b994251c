{#- A model's `schema` config is the schema it is built in, as named (dbt's default would prefix the target
    schema: `main_intermediate`). dbt_project.yml assigns them: marts in `main` (what BI tools open),
    intermediate models in `intermediate`, identity models in `checks`, seeds in `catalogues`, staging views
    in `staging` (views over the attached event store: the publish step leaves them out of the published
    file). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
