{#
  The SQL pieces the identity models (models/checks/chk_*.sql) share. Every identity model returns the
  contract expectations/suites.py validates: document_id, table_kind, table_index, page, subject_code, item,
  expected, actual, n_terms, unit_yuan (models/checks/_checks.yml).

  Tolerance rule (expectations/suites.py `tolerance`): every printed amount is rounded to the last place it
  prints, so it is off by at most half a unit of that place: 0.005 万元 = 50 yuan for "2,426.26" in a 万元
  table, 0.5 yuan for "9,501,164" in a whole-yuan table. Comparing a printed figure with an expression of n
  printed terms can therefore differ by up to (n + 1) × 0.5 × unit_yuan without any error in the source (the
  documents warn: "部分数据合计数由于计量单位取舍不同而产生的计算误差"). The precision of a figure is read from
  its cell text (decimals printed or not) and its table's currency multiplier, here (`printed_unit`) and
  nowhere else.
#}

{# The canonical columns that hold amounts (docs/architecture.md); only their figures carry a precision. #}
{% macro check_amount_columns() -%}
{{ return(['total', 'basic', 'project', 'personnel', 'public', 'project_excl_capital', 'operating', 'remit_upper',
           'subsidy_subordinate', 'reserve', 'carry_forward', 'amount', 'travel_abroad', 'reception', 'vehicles',
           'vehicle_purchase', 'vehicle_operation', 'meetings', 'training', 'total_incl_meetings_training',
           'operating_costs', 'income_amount', 'expense_amount', 'purpose_amount', 'econ_dept_amount',
           'econ_gov_amount', 'expense_gpb_amount', 'expense_gov_fund_amount', 'expense_soe_amount',
           'opening_balance', 'current_income', 'closing_balance', 'total_budget', 'travel_abroad_budget',
           'reception_budget', 'vehicles_budget', 'vehicle_purchase_budget', 'vehicle_operation_budget']) }}
{%- endmacro %}

{# SQL list of quoted literals: 'a', 'b'. #}
{% macro sql_literals(values) -%}
{%- for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endmacro %}

{# The unit of the last printed place of one figure, in yuan: 10^-decimals × multiplier, where decimals is
   the number of digits printed after the point ("2,426.26" → 2, "9,501,164" → 0). Null for a blank or zero
   figure: a printed zero is exact and says nothing about the table's rounding. #}
{% macro printed_unit(text, multiplier, amount) -%}
{%- set digits = "regexp_replace(regexp_replace(coalesce(" ~ text ~ ", ''), '<[^>]*>', '', 'g'), '[,，\\s]', '', 'g')" -%}
(case when {{ amount }} <> 0 then power(10.0, -length({{ regex_extract(digits, "'\\.([0-9]*)$'", 1) }})) * coalesce({{ multiplier }}, 1) end)
{%- endmacro %}

{# printed_unit of a cell of int_table_cells. #}
{% macro cell_unit() -%}
{{ printed_unit('raw_text', 'multiplier', 'amount_yuan') }}
{%- endmacro %}

{# A subquery: int_table_cells of the given table kinds pivoted to one row per table row, with `<c>_text`
   (the text as printed) and `<c>` (the amount in yuan) for each canonical column c; `unit_yuan` is the
   coarsest printed precision among the row's amount columns picked. #}
{% macro wide_cells(columns, kinds) -%}
{%- set amounts = columns | select('in', check_amount_columns()) | list -%}
    select document_id, table_index, {{ agg_any('table_kind') }} as table_kind, row_index,
        {{ agg_any('page') }} as page, {{ agg_any('row_type') }} as row_type,
        {% if amounts -%}
        max(case when column_name in ({{ sql_literals(amounts) }}) then {{ cell_unit() }} end)
        {%- else -%} cast(null as double precision) {%- endif %} as unit_yuan,
        {{ agg_any('subject_code') }} as subject_code
        {%- for c in columns %},
        max(case when column_name = '{{ c }}' then raw_text end) as {{ c }}_text,
        max(case when column_name = '{{ c }}' then amount_yuan end) as {{ c }}
        {%- endfor %}
    from {{ ref('int_table_cells') }}
    where table_kind in ({{ sql_literals(kinds) }})
    group by document_id, table_index, row_index
{%- endmacro %}

{# A row label of a wide_cells column without spaces and without its ordinal prefix ("二、上年结转" →
   "上年结转", "（一）财政拨款" → "财政拨款"). #}
{% macro row_label(column) -%}
regexp_replace(replace(coalesce({{ column }}_text, ''), ' ', ''), '^[一二三四五六七八九十百零〇0-9]+[、.．]|^[（(][一二三四五六七八九十0-9]+[)）]', '')
{%- endmacro %}

{# The 收支总表 kinds: the budget's 收支总表 and the 财政拨款收支总表. #}
{% macro summary_table_kinds() -%}
{{ return(['income_expenditure_summary', 'fiscal_income_expenditure_summary']) }}
{%- endmacro %}

{# One side of a 收支总表: its 总计 = its 本年合计 + the items carried across the year. side is 'income' or
   'expense' (the wide_cells columns <side>_item / <side>_amount); the rows are told apart by the seed
   label_rules, vocabulary summary_<side>_row (values total; current_total and current; `carried`, the value of
   the carried items: carried_in or carried_out); carry_also is a further predicate over the wide row that a
   carried item must meet; item names the identity in check_results. #}
{% macro total_equals_current_plus_carry(side, carried, item, carry_also='true') -%}
{%- set amount = side ~ '_amount' -%}
{%- set vocabulary = 'summary_' ~ side ~ '_row' -%}
with w as ({{ wide_cells([side ~ '_item', amount], summary_table_kinds()) }}),

l as (
    select *, {{ row_label(side ~ '_item') }} as label from w
),

-- the row's value in the vocabulary (seed label_rules), looked up once
valued as (
    select *, {{ label_rule(vocabulary, 'label') }} as row_value from l
),

marked as (
    select *,
        row_value = 'total' as is_total,
        row_value in ('current_total', 'current') as is_current,
        (({{ carry_also }}) and row_value = '{{ carried }}') as is_carry
    from valued
)

select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
    min(page) filter (where is_total) as page,
    {{ agg_any('subject_code') }} as subject_code,
    '{{ item }}' as item,
    max({{ amount }}) filter (where is_total) as expected,
    coalesce(max({{ amount }}) filter (where is_current), 0)
      + coalesce(sum({{ amount }}) filter (where is_carry), 0) as actual,
    1 + count({{ amount }}) filter (where is_carry) as n_terms,
    max(unit_yuan) as unit_yuan
from marked
group by document_id, table_index
having count(*) filter (where is_total) > 0
   and count(*) filter (where is_current) > 0
{%- endmacro %}

{# The tolerance of an identity row in yuan, in SQL: (n_terms + 1) × half of unit_yuan, rounded to 6 places,
   no unit meaning none (exact). The same number as expectations/suites.py `tolerance`, which the Great
   Expectations suites apply (tests/test_line_source.py checks that the two agree). #}
{% macro identity_tolerance(n_terms, unit_yuan) -%}
round(cast(({{ n_terms }} + 1) * 0.5 * coalesce({{ unit_yuan }}, 0) as decimal(38, 10)), 6)
{%- endmacro %}

{# Whether an identity row passes, as the suites judge it: |round(actual − expected, 2)| ≤ tolerance, a
   missing side counting as zero. #}
{% macro within_tolerance(expected, actual, n_terms, unit_yuan) -%}
(abs(round(cast(coalesce({{ actual }}, 0) - coalesce({{ expected }}, 0) as decimal(38, 10)), 2))
 <= {{ identity_tolerance(n_terms, unit_yuan) }})
{%- endmacro %}

{# The unit or department a document is about, as its stated totals name it: the department in a
   department document, the unit in a unit document. Over int_documents (alias `d`). #}
{% macro document_own_code(d='d') -%}
case when {{ d }}.doc_kind = 'department' then coalesce({{ d }}.department_code, {{ d }}.subject_code)
     else {{ d }}.subject_code end
{%- endmacro %}

{# A subquery: the total expenditure each document states for itself and for each unit, one row per
   document × unit (document_id, unit_code, total_yuan, source, page, is_own): among the statements of
   int_unit_totals the most direct (its priority: a 支出总表 合计 row first). `docs` is a relation with
   document_id and own_code (document_own_code). chk_facts_sum_to_stated_total compares the facts with it,
   int_line_source_choice every candidate source of lines. #}
{% macro stated_total_expenditure(docs) -%}
    select document_id, unit_code, total_yuan, source, page, is_own
    from (
        select t.document_id, t.unit_code, t.total_yuan, t.source, t.page,
            coalesce(t.unit_code, '') = coalesce(d.own_code, '') as is_own,
            row_number() over (partition by t.document_id, t.unit_code order by t.priority, t.source, t.page) as n
        from {{ ref('int_unit_totals') }} t join {{ docs }} d on d.document_id = t.document_id
        where t.total_yuan is not null
    ) ranked
    where n = 1
{%- endmacro %}

{# A subquery: the parts of each document's lines against the totals it states (stated_total_expenditure):
   the document as a whole against its own total, each unit part against the unit's. `parts` has
   document_id, unit_code, is_own, amount, n, unit_yuan (the coarsest printed precision of its lines), one
   is_own row per document (and `by`); `stated` the rows of stated_total_expenditure (with `by`). `by`: more
   key columns both carry (int_line_source_choice compares each candidate source: ['source_rank']). Rows:
   document_id, the `by` columns, unit_code, is_own, source, page (of the stated total), expected, actual,
   n_terms, lines_unit_yuan. A stated unit without lines counts as Σ 0 when a 合计 row states it. #}
{% macro parts_against_stated_totals(parts, stated, by=[]) -%}
    select coalesce(p.document_id, s.document_id) as document_id,
        {%- for b in by %} coalesce(p.{{ b }}, s.{{ b }}) as {{ b }},{% endfor %}
        coalesce(p.unit_code, s.unit_code) as unit_code, coalesce(p.is_own, s.is_own) as is_own,
        s.source, s.page, s.total_yuan as expected, coalesce(p.amount, 0) as actual,
        greatest(coalesce(p.n, 0), 1) as n_terms, p.unit_yuan as lines_unit_yuan
    from {{ parts }} p
    full join {{ stated }} s on s.document_id = p.document_id
        {%- for b in by %} and s.{{ b }} = p.{{ b }}{% endfor %}
        and s.is_own = p.is_own and (p.is_own or s.unit_code = p.unit_code)
    where s.total_yuan is not null
      and (p.document_id is not null or s.source like 'expenditure_summary%' or s.source like 'gpb_expenditure 合计%')
{%- endmacro %}

{# A subquery: the coarsest printed precision of the figures each document states its totals in (the tables
   mart_unit_budget reads: 支出总表, 一般公共预算支出表, 收入总表): document_id, unit_yuan. #}
{% macro document_totals_unit() -%}
    select document_id, max({{ cell_unit() }}) as unit_yuan
    from {{ ref('int_table_cells') }}
    where table_kind in ('expenditure_summary', 'gpb_expenditure', 'income_summary')
      and column_name in ('total', 'amount', 'basic', 'project', 'personnel', 'public')
    group by document_id
{%- endmacro %}

{# A subquery: the printed precision of each row the given lines were read from (document_id, table_index,
   row_index): the coarsest among its amounts (for a class_remainder line, the 收支总表 row it completes). #}
{% macro line_precision(lines) -%}
    select c.document_id, c.table_index, c.row_index, max({{ cell_unit() }}) as unit_yuan
    from {{ ref('int_table_cells') }} c
    join (select distinct document_id, table_index, row_index from {{ lines }}) f
        on f.document_id = c.document_id and f.table_index = c.table_index and f.row_index = c.row_index
    where c.column_name in ({{ sql_literals(check_amount_columns() | sort) }})
    group by c.document_id, c.table_index, c.row_index
{%- endmacro %}

{# A subquery: what each document's 收支总表 states on its income side, for the class remainders
   (chk_class_remainders_equal_unitemised_funds, int_line_source_candidates): document_id, page, unit_yuan,
   current_income (本年收入合计, else 收入总计), fiscal (财政拨款…) and gpb (一般公共预算…). #}
{% macro summary_income() -%}
    select document_id, min(page) as page, max(unit_yuan) as unit_yuan,
        coalesce(max(income_amount) filter (where row_value in ('current_total', 'current_subtotal')),
                 max(income_amount) filter (where row_value = 'total')) as current_income,
        max(income_amount) filter (where row_value = 'fiscal') as fiscal,
        max(income_amount) filter (where row_value = 'gpb') as gpb
    from (
        -- each row's value in the vocabulary summary_income_row (seed label_rules), looked up once
        select l.*, {{ label_rule('summary_income_row', 'l.label') }} as row_value
        from (
            select w.*, {{ row_label('income_item') }} as label
            from ({{ wide_cells(['income_item', 'income_amount'], ['income_expenditure_summary']) }}) w
        ) l
    ) v
    group by document_id
{%- endmacro %}

{# The income the itemised lines of `line_source` do not cover, over a summary_income row `i`: 本年收入 −
   财政拨款 (or − 一般公共预算 when the lines are the 一般公共预算支出表's): what the class remainders must add up to. #}
{% macro unitemised_funds(i, line_source) -%}
({{ i }}.current_income - coalesce(case {{ line_source }} when 'gpb_expenditure' then {{ i }}.gpb else {{ i }}.fiscal end, 0))
{%- endmacro %}
