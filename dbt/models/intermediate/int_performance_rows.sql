-- One row per body row of every performance table (项目支出绩效表 / 绩效目标表 project_performance,
-- 整体支出绩效目标表 overall_performance) the facts read, with the cells of each row read into the
-- indicator fields. Nothing is dropped: label rows, project-information rows and blank rows are rows
-- too (row_kind), so fact_performance_target has exactly one row per printed body row.
--
-- How a row is read (the texts are never changed; corrections from CellCorrected events are applied):
--   1. Layout. Beijing prints the labels in the header (columns named by
--      dagster_project/extraction/performance.py); Hebei, Xi'an and Shanghai print a label row inside the
--      body (一级指标 | 二级指标 | 三级指标 | 指标内容 | 指标值 …). A body row with two or more such labels is
--      a label row (row_kind 'header'); the rows below it are read with its labels, the rows above it are
--      project information (row_kind 'context': 项目名称, 资金金额, 总体目标 …) unless the header names the
--      indicator columns. `body_labels` below maps the same labels to the same names as performance.py.
--   2. Merged label cells. A label covers its own position and the unlabelled positions to its right
--      (a merged cell is printed once, at its left), so 指标方向性 over two columns reads either of them.
--   3. Shifted rows. Many rows are printed one or more columns left or right of their labels (a missing
--      其他资金 cell, a continuation row printed at the table's left edge). The anchor is the 一级指标
--      position (or 指标性质 where no 一级指标 is printed): when the anchor cell does not hold a level-1
--      indicator name (产出指标 / 效益指标 / 满意度指标 / 成本指标; or an operator for 指标性质) and another
--      cell of the row does, the row's indicator cells are read that many columns over (column_offset);
--      cells left of the indicator block are read where they are. The fact shows the offset.
--   4. Several non-empty cells under one label are kept together (joined with a space) and listed in
--      crowded_labels; the fact flags such rows as unparsed.
--   5. Fill-down. Project, unit, 一级指标 and 二级指标 are printed once per block (merged cells): a blank
--      one takes the value printed above it in the same table, among rows read with the same column_offset
--      (a row printed at another offset is not part of that block: Dongcheng 2026 预算12表 prints the
--      indicators of several projects with no project cell) and, for 二级指标, the same 一级指标 block.
--   6. 整体 tables print 一级 + 二级 + the indicator run together in one 绩效指标 cell
--      ("成本指标经济成本指标厉行节俭…"): when no level column is printed, the levels are read from the start of
--      that cell (levels_from_text).
--   7. Project name: a Beijing project cell ("11010522T000000440054-医疗保障宣传活动经费", found by its code
--      left of the indicator block), the 活动 of an 整体 table, the cell after 项目名称 in a form's header
--      (Xi'an, Shanghai), else the title of a one-project table ("1、基金监管费绩效目标表" → 基金监管费, Hebei).
--      Unit: a "201002~名称" cell left of the indicator block, else the unit the table speaks for.
{%- set body_labels = {
    '一级指标': 'indicator_level_1', '二级指标': 'indicator_level_2', '三级指标': 'indicator_level_3',
    '指标内容': 'indicator', '指标名称': 'indicator', '绩效指标描述': 'indicator', '绩效指标': 'indicator',
    '绩效指标性质': 'indicator_nature', '指标性质': 'indicator_nature',
    '指标值': 'target', '本年绩效指标值': 'target', '年度指标值': 'target', '年度(/项目)指标值': 'target',
    '年度（/项目）指标值': 'target', '目标值': 'target',
    '度量单位': 'unit_of_measure', '绩效度量单位': 'unit_of_measure', '计量单位': 'unit_of_measure',
    '质量单位': 'unit_of_measure',
    '指标方向性': 'direction', '指标方向': 'direction',
    '指标值确定依据': 'target_basis',
    '活动': 'activity',
} -%}
{%- set role_labels = {
    'activity': '活动', 'indicator_level_1': '一级指标', 'indicator_level_2': '二级指标',
    'indicator_level_3': '三级指标', 'indicator': '指标内容', 'indicator_nature': '指标性质',
    'target': '指标值', 'unit_of_measure': '度量单位', 'direction': '指标方向性', 'target_basis': '指标值确定依据',
} -%}
{%- set block_roles = role_labels.keys() | list -%}
{%- set label_roles = ['indicator_level_1', 'indicator_level_2', 'indicator_level_3', 'indicator',
                       'indicator_nature', 'target', 'unit_of_measure', 'direction', 'target_basis'] -%}
{%- set level_1 = ['产出指标', '效益指标', '满意度指标', '成本指标'] -%}
{%- set level_2 = ['服务对象满意度指标', '生态环境成本指标', '可持续影响指标', '经济成本指标', '社会成本指标',
                   '经济效益指标', '社会效益指标', '生态效益指标', '数量指标', '质量指标', '时效指标', '成本指标'] -%}
{%- set natures = ['≥', '≤', '=', '＝', '>', '<', '＞', '＜', '≧', '≦', '≠', '>=', '<=', '定性', '定量'] -%}
{#- as SQL: ['产出指标', …] (a list) and ('一级指标', …) (for IN) -#}
{%- set level_1_list = list_literal("'" ~ level_1 | join("', '") ~ "'") -%}
{%- set natures_list = list_literal("'" ~ natures | join("', '") ~ "'") -%}
{%- set level_2_list = list_literal("'" ~ level_2 | join("', '") ~ "'") -%}
{%- set both_levels_list = list_literal("'" ~ (level_1 + level_2) | join("', '") ~ "'") -%}
{#- "成本指标经济成本指标…": 一级 + 二级 run together at the start of a 绩效指标 cell -#}
{%- set levels_at_start_re = "'^(" ~ level_1 | join("|") ~ ")(" ~ level_2 | join("|") ~ ").+'" -%}
{%- set label_roles_in = "('" ~ label_roles | join("', '") ~ "')" -%}
{%- set block_roles_in = "('" ~ block_roles | join("', '") ~ "')" %}

with parts as (
    select * from {{ ref('int_table_parts') }}
    where table_kind in ('project_performance', 'overall_performance') and is_read_by_facts
),

tables as (
    select
        t.document_id, t.table_index, t.table_kind, t.title, t.columns,
        t.header_rows,
        p.region_code, p.unit_code as table_unit_code, p.fiscal_year
    from {{ ref('int_tables') }} t
    join parts p using (document_id, table_index)
),

cells as (
    select
        c.document_id, c.table_index, c.row_index, c.page, c.correction_event_id,
        {{ list_index_of('t.columns', 'c.column_name') }} - 1 as pos,
        coalesce(trim(c.raw_text), '') as text,
        regexp_replace(coalesce(c.raw_text, ''), '[\s　]+', '', 'g') as squashed
    from {{ ref('int_table_cells') }} c
    join tables t using (document_id, table_index)
),

labelled as (
    select
        *,
        case squashed
            {%- for label, role in body_labels.items() %}
            when '{{ label }}' then '{{ role }}'
            {%- endfor %}
        end as label_role
    from cells
),

label_rows as (
    select document_id, table_index, row_index
    from labelled
    group by document_id, table_index, row_index
    having count(distinct case when label_role in {{ label_roles_in }} then label_role end) >= 2
),

-- layout_row -1 = the header (columns named at extraction), otherwise the label row's index
layout_positions as (
    select document_id, table_index, -1 as layout_row, pos,
        case when columns[pos + 1] like 'col\_%' escape '\' then null else columns[pos + 1] end as role
    from (select document_id, table_index, columns, unnest({{ list_offsets('columns') }}) as pos from tables) as positions
    union all
    select l.document_id, l.table_index, l.row_index, l.pos, l.label_role
    from labelled l
    join label_rows using (document_id, table_index, row_index)
),

-- a role printed twice in one label row (Xi'an: 绩效指标 | 一级指标 | … | 指标内容): the rightmost is the column
spans as (
    select document_id, table_index, layout_row, role, span_start, span_end
    from (
        select document_id, table_index, layout_row, role, pos as span_start,
            coalesce(lead(pos) over (partition by document_id, table_index, layout_row order by pos) - 1, 100000)
                as span_end,
            row_number() over (partition by document_id, table_index, layout_row, role order by pos desc) as role_rank
        from layout_positions
        where role is not null
    ) as ranked
    where role_rank = 1
),

layouts as (
    select
        document_id, table_index, layout_row,
        min(case when role in {{ block_roles_in }} then span_start end)
            as block_start,
        max(case when role = 'indicator_level_1' then span_start end) as level_1_pos,
        max(case when role = 'indicator_level_2' then span_start end) as level_2_pos,
        max(case when role = 'indicator_nature' then span_start end) as nature_pos,
        bool_or(role = 'indicator_level_1') as has_level_1,
        bool_or(role = 'indicator_level_2') as has_level_2,
        bool_or(role in ('indicator_level_1', 'indicator_level_2', 'indicator_level_3', 'indicator', 'target'))
            as has_indicators
    from spans
    group by document_id, table_index, layout_row
),

body_rows as (
    select
        document_id, table_index, row_index,
        max(page) as page,
        max(correction_event_id) as correction_event_id,
        {{ agg_list('text', 'pos') }} as cells,
        {{ agg_list('squashed', 'pos') }} as squashed_cells
    from cells
    group by document_id, table_index, row_index
),

row_layouts as (
    select
        r.*,
        coalesce((
            select max(l.row_index) from label_rows l
            where l.document_id = r.document_id and l.table_index = r.table_index and l.row_index < r.row_index
        ), -1) as layout_row,
        exists (
            select 1 from label_rows l
            where l.document_id = r.document_id and l.table_index = r.table_index and l.row_index = r.row_index
        ) as is_label_row
    from body_rows r
),

row_info as (
    select
        r.*,
        l.block_start, l.has_level_1, l.has_level_2,
        case
            when r.is_label_row then 'header'
            when {{ list_size(list_where('r.squashed_cells', 'x', "x <> ''")) }} = 0 then 'blank'
            when coalesce(l.has_indicators, false) then 'indicator'
            else 'context'
        end as row_kind,
        coalesce(l.level_1_pos, l.nature_pos) as anchor_pos,
        case
            when l.level_1_pos is not null then {{ list_has(level_1_list, 'r.squashed_cells[l.level_1_pos + 1]') }}
            when l.nature_pos is not null then {{ list_has(natures_list, 'r.squashed_cells[l.nature_pos + 1]') }}
        end as anchor_fits,
        -- the first position holding a level-1 name (with a level-2 name where 二级指标 follows) or an operator
        case
            when l.level_1_pos is not null then {{ list_where(list_offsets('r.squashed_cells'), 'i',
                list_has(level_1_list, 'r.squashed_cells[i + 1]')
                ~ ' and (l.level_2_pos is null or '
                ~ list_has(level_2_list, 'r.squashed_cells[i + 1 + l.level_2_pos - l.level_1_pos]') ~ ')') }}[1]
            -- (指标性质 anchor: only a printed non-operator moves the row, a blank one does not)
            when l.nature_pos is not null and r.squashed_cells[l.nature_pos + 1] <> '' then
                {{ list_where(list_offsets('r.squashed_cells'), 'i', list_has(natures_list, 'r.squashed_cells[i + 1]')) }}[1]
        end as first_fit
    from row_layouts r
    left join layouts l using (document_id, table_index, layout_row)
),

rows_read as (
    select
        *,
        case
            when row_kind <> 'indicator' or anchor_pos is null or anchor_fits or first_fit is null then 0
            else first_fit - anchor_pos
        end as column_offset
    from row_info
),

-- every cell with the label it is read under
cell_roles as (
    select
        c.document_id, c.table_index, c.row_index, c.pos, c.text,
        c.pos >= r.block_start + r.column_offset as in_block,
        s.role
    from cells c
    join rows_read r using (document_id, table_index, row_index)
    left join spans s
        on s.document_id = c.document_id and s.table_index = c.table_index and s.layout_row = r.layout_row
        and (case when c.pos >= r.block_start + r.column_offset then c.pos - r.column_offset else c.pos end)
            between s.span_start and s.span_end
    where r.row_kind = 'indicator'
),

role_texts as (
    select
        document_id, table_index, row_index, role,
        {{ dbt.listagg("case when text <> '' then text end", "' '", 'order by pos') }} as text,
        count(case when text <> '' then 1 end) as printed_cells
    from cell_roles
    where in_block and role in {{ block_roles_in }}
    group by document_id, table_index, row_index, role
),

left_cells as (
    select
        document_id, table_index, row_index,
        -- a Beijing project cell: its code ("11010522T000000440054", "1101012270000003996 10") and a dash
        {{ agg_first('text', 'pos', regex_like('text', "'^[0-9A-Za-z][0-9A-Za-z ]{9,}\\s*[-~－—]'")) }}
            as project_cell,
        {{ agg_first(regex_extract('text', "'^([0-9]{3,9})\\s*[-~－—]'", 1), 'pos',
                     regex_like('text', "'^[0-9]{3,9}\\s*[-~－—]'")) }} as unit_cell_code,
        max(case when role = 'project_name' and text <> '' then text end) as project_name_cell
    from cell_roles
    where not in_block
    group by document_id, table_index, row_index
),

indicator_fields as (
    select
        r.document_id, r.table_index, r.row_index, r.column_offset,
        coalesce(l.project_cell, max(case when t.role = 'activity' then t.text end),
                 case when r.column_offset = 0 then l.project_name_cell end) as project_printed,
        l.unit_cell_code,
        {%- for role in block_roles if role != 'activity' %}
        max(case when t.role = '{{ role }}' then t.text end) as {{ role }}_text,
        {%- endfor %}
        {{ agg_list('t.role', 't.role', 't.printed_cells > 1') }} as crowded_roles
    from rows_read r
    left join role_texts t using (document_id, table_index, row_index)
    left join left_cells l using (document_id, table_index, row_index)
    where r.row_kind = 'indicator'
    group by r.document_id, r.table_index, r.row_index, r.column_offset, l.project_cell, l.unit_cell_code,
        l.project_name_cell
),

-- 整体 tables: "效益指标可持续影响指标保障离休干部享受医疗待遇…" in the one 绩效指标 column
levels_in_text as (
    select
        *,
        indicator_level_1_text is null and indicator_level_2_text is null
            and {{ regex_like("regexp_replace(indicator_text, '\\s', '', 'g')", levels_at_start_re) }}
            as levels_from_text
    from indicator_fields
),

indicators as (
    select
        document_id, table_index, row_index, column_offset, project_printed, unit_cell_code,
        indicator_level_3_text, indicator_nature_text, target_text, unit_of_measure_text, direction_text,
        target_basis_text, crowded_roles, levels_from_text,
        case when levels_from_text
            then {{ regex_extract("regexp_replace(indicator_text, '\\s', '', 'g')",
                                  "'^(" ~ level_1 | join("|") ~ ")'", 1) }}
            else indicator_level_1_text end as level_1_printed,
        case when levels_from_text
            then {{ regex_extract("regexp_replace(indicator_text, '\\s', '', 'g')",
                                  "'^(" ~ level_1 | join("|") ~ ")(" ~ level_2 | join("|") ~ ")'", 2) }}
            else indicator_level_2_text end as level_2_printed,
        case when levels_from_text
            then trim(regexp_replace(indicator_text,
                '^\s*({{ level_1 | join("|") }})\s*({{ level_2 | join("|") }})\s*', ''))
            else indicator_text end as indicator_text
    from levels_in_text
),

-- the project a form table (Xi'an, Shanghai) names in its header or information rows: 项目名称 | | 名称
form_label_rows as (
    select t.document_id, t.table_index, -1000 + h.row_position as ord, h.cells
    from tables as t, {{ json_text_matrix_rows('t.header_rows', 'h') }}
    union all
    select r.document_id, r.table_index, r.row_index, r.cells
    from rows_read r
    where r.row_kind = 'context'
),

{%- set squashed_cells = list_map('cells', 'x', "regexp_replace(coalesce(x, ''), '\\s', '', 'g')") %}
{%- set name_after_label = list_where('cells[' ~ list_index_of(squashed_cells, "'项目名称'") ~ ' + 1:]',
                                      'x', "trim(coalesce(x, '')) <> ''") ~ '[1]' %}
form_projects as (
    select
        document_id, table_index,
        -- the cell after 项目名称 in the first row (by ord) that has one
        {{ agg_first(name_after_label, 'ord', name_after_label ~ ' is not null') }} as form_project
    from form_label_rows
    where {{ list_has(squashed_cells, "'项目名称'") }}
      -- a form, not a header naming the columns (Beijing: 单位名称 | 项目名称 | 项目总额 …)
      and not exists (
          select 1 from layouts l
          where l.document_id = form_label_rows.document_id and l.table_index = form_label_rows.table_index
            and l.layout_row = -1 and l.has_indicators
      )
    group by document_id, table_index
),

table_projects as (
    select
        t.document_id, t.table_index,
        coalesce(
            nullif(trim(f.form_project), ''),
            case when t.table_kind = 'project_performance' and {{ regex_like('t.title', "'^\\s*[0-9]+\\s*[、.．]'") }}
                then nullif(trim(regexp_replace(regexp_replace(t.title, '^\s*[0-9]+\s*[、.．]\s*', ''),
                                                '绩效目标表\s*$', '')), '')
            end
        ) as table_project,
        f.document_id is not null as has_form_project
    from tables t
    left join form_projects f using (document_id, table_index)
),

blocks as (
    select
        i.*,
        count(i.project_printed) over w as project_block
    from indicators i
    window w as (partition by i.document_id, i.table_index, i.column_offset order by i.row_index)
),

level_blocks as (
    select
        *,
        count(level_1_printed) over (
            partition by document_id, table_index, column_offset, project_block order by row_index) as level_1_block
    from blocks
),

{%- set role_label_of_x -%}
case x {% for role, label in role_labels.items() %}when '{{ role }}' then '{{ label }}' {% endfor %}end
{%- endset %}
filled as (
    select
        document_id, table_index, row_index,
        {{ last_non_null('project_printed', 'w_table') }} as project_filled,
        {{ last_non_null('unit_cell_code', 'w_table') }} as unit_code_filled,
        coalesce(level_1_printed, {{ last_non_null('level_1_printed',
            '(partition by document_id, table_index, column_offset, project_block order by row_index)') }})
            as indicator_level_1,
        coalesce(level_2_printed, {{ last_non_null('level_2_printed',
            '(partition by document_id, table_index, column_offset, project_block, level_1_block order by row_index)') }})
            as indicator_level_2,
        nullif(indicator_level_3_text, '') as indicator_level_3,
        nullif(indicator_text, '') as indicator_text,
        indicator_nature_text, target_text, unit_of_measure_text, direction_text, target_basis_text,
        levels_from_text,
        coalesce({{ list_map('crowded_roles', 'x', role_label_of_x) }}, {{ list_literal('') }}) as crowded_labels
    from level_blocks
    window w_table as (partition by document_id, table_index, column_offset order by row_index)
)

{#- the reasons (row_problems) and notes (row_notes) the final select lists; null ones are dropped -#}
{%- set row_problem_items %}
        case when {{ list_size('f.crowded_labels') }} > 0
            then 'several cells under ' || array_to_string(f.crowded_labels, ', ') end,
        case when (r.has_level_1 or f.levels_from_text) and f.indicator_level_1 is null then 'no 一级指标' end,
        case when f.indicator_level_1 is not null
                  and not {{ list_has(level_1_list, "regexp_replace(f.indicator_level_1, '\\s', '', 'g')") }}
            then '一级指标 "' || f.indicator_level_1 || '" is not a level-1 indicator name' end,
        case when (r.has_level_2 or f.levels_from_text) and f.indicator_level_2 is null then 'no 二级指标' end,
        case when f.indicator_level_2 is not null
                  and not {{ list_has(level_2_list, "regexp_replace(f.indicator_level_2, '\\s', '', 'g')") }}
            then '二级指标 "' || f.indicator_level_2 || '" is not a level-2 indicator name' end,
        case when coalesce(f.indicator_text, f.indicator_level_3) is null then 'no indicator text' end,
        case when {{ list_has(both_levels_list,
                              "regexp_replace(coalesce(f.indicator_text, f.indicator_level_3), '\\s', '', 'g')") }}
            then 'indicator text "' || coalesce(f.indicator_text, f.indicator_level_3) || '" is an indicator level name'
        end
{%- endset %}
{%- set row_note_items %}
        case when r.column_offset <> 0
            then 'indicator cells read ' || abs(r.column_offset) || ' column(s) '
                 || case when r.column_offset < 0 then 'left' else 'right' end || ' of their labels' end,
        case when f.levels_from_text then '一级/二级指标 read from the start of the 绩效指标 cell' end
{%- endset %}

select
    r.document_id,
    r.table_index,
    r.row_index,
    t.table_kind,
    t.title,
    r.page,
    r.row_kind,
    t.region_code,
    t.fiscal_year,
    coalesce(f.unit_code_filled, t.table_unit_code) as unit_code,
    coalesce(f.project_filled, p.table_project) as project_name,
    f.indicator_level_1,
    f.indicator_level_2,
    f.indicator_level_3,
    coalesce(f.indicator_text, f.indicator_level_3) as indicator_text,
    f.indicator_nature_text,
    f.target_text,
    f.unit_of_measure_text,
    f.direction_text,
    f.target_basis_text,
    cast(r.column_offset as integer) as column_offset,
    -- what does not fit the table's labels (the fact marks such rows unparsed)
    case when r.row_kind = 'indicator' then {{ list_where(list_literal(row_problem_items), 'x', 'x is not null') }}
    end as row_problems,
    -- how the row was read, where that is not the plain reading
    case when r.row_kind = 'indicator' then {{ list_where(list_literal(row_note_items), 'x', 'x is not null') }}
    end as row_notes,
    trim(regexp_replace(array_to_string(r.cells, ' | '), '(\s*\|\s*)+$', '')) as printed_row,
    r.correction_event_id
from rows_read r
join tables t using (document_id, table_index)
left join table_projects p using (document_id, table_index)
left join filled f using (document_id, table_index, row_index)
