-- One row per body row of every performance table (项目支出绩效表 / 绩效目标表 project_performance,
-- 整体支出绩效目标表 overall_performance) the facts read, with the cells of each row read into the
-- indicator fields. Nothing is dropped: label rows, project-information rows and blank rows are rows
-- too (row_kind), so fact_performance_target has exactly one row per printed body row.
--
-- The rows are read at extraction, beside the other table reading: `read_performance_rows` in
-- dagster_project/extraction/performance.py (label rows inside the body, merged label cells, shifted rows
-- read at a column_offset, crowded labels, fill-down, 一级/二级 read from a 绩效指标 cell, project name and
-- unit; its comments give the rules) writes them into the table's `performance_rows`. Here they are only
-- unnested, typed and joined to the document's region, year and unit (the unit a row does not print).
--
-- Corrections (CellCorrected, applied by int_table_cells) are kept: a field read from printed cells names
-- them (`sources`), and when one of them is corrected the field is those cells' corrected texts joined as
-- the reading joins them (the non-empty ones, with a space). printed_row shows the corrected cells and
-- correction_event_id the newest correction of the row. What the extraction decided from the printed cells
-- stays: which row is a label row, the column_offset, 一级/二级 read from a cell's text, the unit code and the
-- row_problems; a row with a corrected field says so in row_notes.
{%- set corrected_fields = ['project_name', 'indicator_level_1', 'indicator_level_2', 'indicator_level_3',
                            'indicator_text', 'indicator_nature_text', 'target_text', 'unit_of_measure_text',
                            'direction_text', 'target_basis_text'] %}

with parts as (
    select * from {{ ref('int_table_parts') }}
    where table_kind in ('project_performance', 'overall_performance') and is_read_by_facts
),

tables as (
    select
        t.document_id, t.table_index, t.table_kind, t.title, t.columns, t.performance_rows,
        p.region_code, p.unit_code as table_unit_code, p.fiscal_year
    from {{ ref('int_tables') }} t
    join parts p using (document_id, table_index)
),

rows_read as (
    select
        t.document_id,
        t.table_index,
        cast({{ json_text('r.row', 'row_index') }} as integer) as row_index,
        {{ json_text('r.row', 'row_kind') }} as row_kind,
        {{ json_text('r.row', 'unit_code') }} as unit_code,
        {%- for field in corrected_fields %}
        {{ json_text('r.row', field) }} as {{ field }},
        {%- endfor %}
        cast({{ json_text('r.row', 'column_offset') }} as integer) as column_offset,
        {{ json_text_list('r.row', 'row_problems') }} as row_problems,
        {{ json_text_list('r.row', 'row_notes') }} as row_notes,
        {{ json_value('r.row', 'sources') }} as sources
    from tables as t, {{ json_array_elements('t.performance_rows', 'r', 'row') }}
),

cells as (
    select
        c.document_id, c.table_index, c.row_index, c.page, c.column_name, c.correction_event_id,
        {{ list_index_of('t.columns', 'c.column_name') }} - 1 as pos,
        coalesce(trim(c.raw_text), '') as text
    from {{ ref('int_table_cells') }} c
    join tables t using (document_id, table_index)
),

printed_rows as (
    select
        document_id, table_index, row_index,
        max(page) as page,
        max(correction_event_id) as correction_event_id,
        trim(regexp_replace(array_to_string({{ agg_list('text', 'pos') }}, ' | '), '(\s*\|\s*)+$', ''))
            as printed_row
    from cells
    group by document_id, table_index, row_index
),

sources as (
    select
        r.document_id, r.table_index, r.row_index,
        {{ json_text('s.source', 'field') }} as field,
        cast({{ json_text('s.source', 'row_index') }} as integer) as source_row,
        {{ json_text('s.source', 'column') }} as column_name
    from rows_read as r, {{ json_array_elements('r.sources', 's', 'source') }}
),

-- the fields one of whose cells is corrected, re-joined from the corrected texts
corrected as (
    select
        s.document_id, s.table_index, s.row_index, s.field,
        {{ dbt.listagg("case when c.text <> '' then c.text end", "' '", 'order by c.pos') }} as text
    from sources s
    join cells c
        on c.document_id = s.document_id and c.table_index = s.table_index and c.row_index = s.source_row
        and c.column_name = s.column_name
    group by s.document_id, s.table_index, s.row_index, s.field
    having count(c.correction_event_id) > 0
),

corrected_rows as (
    select
        document_id, table_index, row_index,
        {%- for field in corrected_fields %}
        bool_or(field = '{{ field }}') as {{ field }}_is_corrected,
        max(case when field = '{{ field }}' then text end) as {{ field }}_corrected,
        {%- endfor %}
        {{ agg_list('field', 'field') }} as corrected_fields
    from corrected
    group by document_id, table_index, row_index
)

select
    r.document_id,
    r.table_index,
    r.row_index,
    t.table_kind,
    t.title,
    p.page,
    r.row_kind,
    t.region_code,
    t.fiscal_year,
    coalesce(r.unit_code, t.table_unit_code) as unit_code,
    {%- for field in corrected_fields %}
    case when k.{{ field }}_is_corrected then k.{{ field }}_corrected else r.{{ field }} end as {{ field }},
    {%- endfor %}
    r.column_offset,
    case when r.row_kind = 'indicator' then r.row_problems end as row_problems,
    case when r.row_kind = 'indicator' then
        case when k.row_index is null then r.row_notes
        else array_cat(r.row_notes, {{ list_literal("'corrected cells read into ' || array_to_string(k.corrected_fields, ', ')
            || ' (the row''s layout and problems are those of the printed cells)'") }}) end
    end as row_notes,
    p.printed_row,
    p.correction_event_id
from rows_read r
join tables t using (document_id, table_index)
join printed_rows p using (document_id, table_index, row_index)
left join corrected_rows k using (document_id, table_index, row_index)
