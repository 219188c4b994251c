-- Grain: one row per body row of every performance table (项目支出绩效表 / 绩效目标表, 整体支出绩效目标表)
-- of a current document (Hebei: the unit parts, not the department part that restates them), so the rows
-- of a table here = the rows it prints. Indicator rows carry the indicator as read by int_performance_rows
-- (levels filled down, shifted rows read at their offset); label, project-information and blank rows are
-- kept with parse_status 'not_indicator'. Nothing is corrected or invented: target_text and printed_row
-- are the text as printed, and a row that does not fit its labels is 'unparsed' with the reason.
--
-- The target is read here, and only here (`read_target` below; tests/test_performance_targets.py runs it on
-- literal texts). operator: the 指标性质 cell (Beijing: ≥ ≤ = 定性) or the comparison the value starts with
-- (Hebei / Xi'an / Shanghai: "≥95%", "=100.00(%)", also 不低于 / 不超过 …), normalised to ≥ ≤ = > <.
-- target_value: the number when the printed value is one number with at most a short unit after it
-- ("≥95%" → 95 %, "≤10个工作日" → 10 个工作日, "0.07元/页/年", "44.6万页" → 44.6 万页: never scaled);
-- dates ("2024年1-12月", "2023年底之前") and words ("按时完成", "优良中低差", "显著提高") are 'text'.
-- unit_of_measure: the 度量单位 cell where printed, else the unit after the number.
-- direction: 指标方向性 as printed (正向指标 → positive, 反向指标 → negative); where none is printed it is
-- derived from the operator only: ≥ and > → positive (more is better), ≤ and < → negative; = and text
-- targets have none. direction_source says which.
{%- set comparisons = [
    ('大于等于', '≥'), ('小于等于', '≤'), ('不低于', '≥'), ('不少于', '≥'), ('不小于', '≥'), ('不高于', '≤'),
    ('不超过', '≤'), ('不多于', '≤'), ('不大于', '≤'), ('>=', '≥'), ('<=', '≤'), ('≥', '≥'), ('≧', '≥'),
    ('≤', '≤'), ('≦', '≤'), ('大于', '>'), ('高于', '>'), ('小于', '<'), ('低于', '<'), ('＞', '>'),
    ('>', '>'), ('＜', '<'), ('<', '<'), ('＝', '='), ('=', '='), ('≠', '≠'), ('≡', '≡'),
] -%}
{%- set comparison_re = comparisons | map('first') | join('|') -%}
{%- set number_re = '[+-]?[0-9]+(?:,[0-9]{3})*(?:\\.[0-9]+)?' -%}

{#- the patterns, as SQL literals -#}
{%- set starts_with_direction_re = "'^(正向|反向)'" -%}
{%- set leading_comparison_re = "'^(" ~ comparison_re ~ ")'" -%}
{%- set number_text_re = "'^(?:" ~ comparison_re ~ ")?(" ~ number_re ~ ")'" -%}
{%- set unit_suffix_re = "'^(?:" ~ comparison_re ~ ")?" ~ number_re ~ "(.*)$'" -%}
{#- one number, optionally after a comparison, with at most 8 non-digit characters after it; not a date -#}
{%- set one_number_re = "'^(?:" ~ comparison_re ~ ")?" ~ number_re ~ "[^0-9]{0,8}$'" -%}
{%- set date_re = "'^(?:" ~ comparison_re ~ ")?(19|20)[0-9]{2}年'" -%}

{#- input: a relation `targets` with indicator_nature_text, target_text, unit_of_measure_text, direction_text;
    output: the same rows plus operator, target_value, unit_of_measure, target_kind ('parsed' / 'text'),
    target_problems (list of reasons), direction, direction_source (and the helper columns *_squashed,
    *_comparison, is_number, number_text, unit_suffix) -#}
{%- set target_problem_items -%}
        case when target_squashed = '' then 'no target value printed' end,
        case when nature_squashed <> '' and nature_comparison is null and nature_squashed not in ('定性', '定量')
            then '指标性质 "' || indicator_nature_text || '" is not an operator' end,
        case when printed_comparison in ('≠', '≡')
            then 'operator ' || printed_comparison || ' printed: not a comparison a target can use' end,
        case when nature_comparison is not null and target_squashed <> '' and not is_number
            then 'operator ' || nature_squashed || ' printed with a target that is not a number' end,
        case when nature_comparison is not null and value_comparison is not null and nature_comparison <> value_comparison
            then '指标性质 ' || nature_squashed || ' and the value''s ' || value_comparison || ' differ' end,
        case when direction_squashed <> '' and not {{ regex_like('direction_squashed', starts_with_direction_re) }}
            then '指标方向性 "' || direction_text || '" is neither 正向 nor 反向' end
{%- endset -%}
{%- set read_target -%}
select
    *,
    case
        when printed_comparison in ('≠', '≡') then null
        else printed_comparison
    end as operator,
    case when is_number then cast(replace(number_text, ',', '') as decimal(24, 6)) end as target_value,
    coalesce(nullif(trim(unit_of_measure_text), ''), nullif(unit_suffix, '')) as unit_of_measure,
    case when is_number and nature_squashed <> '定性' then 'parsed' else 'text' end as target_kind,
    {{ list_where(list_literal(target_problem_items), 'x', 'x is not null') }} as target_problems,
    case
        when direction_squashed like '正向%' then 'positive'
        when direction_squashed like '反向%' then 'negative'
        when direction_squashed <> '' then null
        when printed_comparison in ('≥', '>') and is_number then 'positive'
        when printed_comparison in ('≤', '<') and is_number then 'negative'
    end as direction,
    case
        when {{ regex_like('direction_squashed', starts_with_direction_re) }} then 'printed'
        when direction_squashed = '' and printed_comparison in ('≥', '>', '≤', '<') and is_number then 'operator'
    end as direction_source
from (
    select
        *,
        coalesce(nature_comparison, value_comparison) as printed_comparison
    from (
        select
            *,
            case nature_squashed
                {%- for printed, normal in comparisons %}
                when '{{ printed }}' then '{{ normal }}'
                {%- endfor %}
            end as nature_comparison,
            case when is_number then
                case {{ regex_extract('target_squashed', leading_comparison_re, 1) }}
                    {%- for printed, normal in comparisons %}
                    when '{{ printed }}' then '{{ normal }}'
                    {%- endfor %}
                end
            end as value_comparison,
            case when is_number
                then {{ regex_extract('target_squashed', number_text_re, 1) }} end as number_text,
            -- "(平方米)" / "（%）" → 平方米 / %
            case when is_number then nullif(regexp_replace(
                {{ regex_extract('target_squashed', unit_suffix_re, 1) }},
                '^[（(](.*)[)）]$', '\1'), '') end as unit_suffix
        from (
            select
                *,
                -- one number, optionally after a comparison, with at most 8 non-digit characters after it;
                -- not a date (2024年1-12月, 2023年底之前)
                {{ regex_like('target_squashed', one_number_re) }}
                    and not {{ regex_like('target_squashed', date_re) }}
                    as is_number
            from (
                select
                    *,
                    regexp_replace(coalesce(target_text, ''), '[\s　]+', '', 'g') as target_squashed,
                    regexp_replace(coalesce(indicator_nature_text, ''), '[\s　]+', '', 'g') as nature_squashed,
                    regexp_replace(coalesce(direction_text, ''), '[\s　]+', '', 'g') as direction_squashed
                from targets
            ) as squashed
        ) as numbers
    ) as comparisons
) as compared
{%- endset %}

with rows as (
    select * from {{ ref('int_performance_rows') }}
),

targets as (
    select * from rows where row_kind = 'indicator'
),

read as (
    {{ read_target }}
),

indicators as (
    select
        *,
        array_cat(row_problems, target_problems) as problems
    from read
)

select
    r.document_id,
    coalesce(r.region_code || '-' || r.unit_code, 'unknown') as unit_key,
    r.fiscal_year,
    r.table_kind,
    r.project_name,
    i.indicator_level_1,
    i.indicator_level_2,
    i.indicator_level_3,
    i.indicator_text,
    i.operator,
    i.target_value,
    i.target_text,
    i.unit_of_measure,
    i.direction,
    i.direction_source,
    case
        when r.row_kind <> 'indicator' then 'not_indicator'
        when {{ list_size('i.problems') }} > 0 then 'unparsed'
        else i.target_kind
    end as parse_status,
    case r.row_kind
        when 'header' then 'label row (一级指标 | 二级指标 | … printed inside the table)'
        when 'context' then 'project information row (项目名称, 资金, 目标 …)'
        when 'blank' then 'blank row'
        else nullif(array_to_string(array_cat(i.problems, i.row_notes), '; '), '')
    end as parse_note,
    r.column_offset,
    r.printed_row,
    {{ provenance_columns('r') }}
from rows r
left join indicators i using (document_id, table_index, row_index)
