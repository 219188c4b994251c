{#- The value a label (and code) gets from a vocabulary of seed label_rules: the first rule, by priority,
    that it matches; null when none matches or the first that does has no value. The same rule as
    dagster_project.extraction.vocabulary.label_value (tests/test_vocabulary.py checks they agree). An empty
    field counts as none, as in Python: a dbt unit test that reads the seed file as its fixture has '' where
    the seed table has null. -#}
{% macro label_rule(vocabulary, label, code='null') -%}
(select nullif(r.value, '') from {{ ref('label_rules') }} r
    where r.vocabulary = '{{ vocabulary }}'
      and (coalesce(r.label_like, '') <> '' or coalesce(r.code_prefix, '') <> '')
      and (coalesce(r.label_like, '') = '' or {{ label }} like r.label_like)
      and (coalesce(r.label_like_2, '') = '' or {{ label }} like r.label_like_2)
      and (coalesce(r.code_prefix, '') = '' or upper({{ code }}) like r.code_prefix || '%')
    order by r.priority
    limit 1)
{%- endmacro %}

{#- Whether a label is one of a vocabulary's rows: it gets a value from the vocabulary (label_rule) and, when
    `values` (a list of names) is given, that value is one of them. A boolean SQL expression, not true (false
    or null) for any other label, null included. The same test as
    dagster_project.extraction.vocabulary.label_in (tests/test_vocabulary.py checks they agree). -#}
{% macro label_in(vocabulary, label, values=none) -%}
({{ label_rule(vocabulary, label) }}
    {%- if values is none %} is not null
    {%- else %} in ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif %})
{%- endmacro %}
