{#- The value a label (and code) gets from a vocabulary of seed label_rules: the first rule, by priority,
    that it matches; null when none matches or the first that does has no value. The same rule as
    dagster_project.extraction.vocabulary.label_value (tests/test_vocabulary.py checks they agree). -#}
{% macro label_rule(vocabulary, label, code='null') -%}
(select r.value from {{ ref('label_rules') }} r
    where r.vocabulary = '{{ vocabulary }}'
      and (r.label_like is not null or r.code_prefix is not null)
      and (r.label_like is null or {{ label }} like r.label_like)
      and (r.label_like_2 is null or {{ label }} like r.label_like_2)
      and (r.code_prefix is null or upper({{ code }}) like r.code_prefix || '%')
    order by r.priority
    limit 1)
{%- endmacro %}
