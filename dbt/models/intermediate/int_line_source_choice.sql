-- Which source gives each document its expenditure lines, and why (issue #17: where interpretations
-- compete, prefer the one whose identities close). A candidate source (int_line_source_candidates)
-- *closes* when Σ of its lines = the stated total for the document and for every unit part, within the
-- tolerance of the printed precision: the comparison chk_facts_sum_to_stated_total makes of the chosen lines
-- (macros stated_total_expenditure, parts_against_stated_totals, within_tolerance: one definition for
-- both). The choice: the first source by the fixed rank (支出总表, 财政拨款支出表, 一般公共预算支出表) that
-- closes; when none does, the first by rank, as before — the document then fails that check and is
-- incomplete, which is the truth. Never a mixture: all of a document's lines come from the chosen source.
-- A partial source (财政拨款支出表, 一般公共预算支出表) closes only if its class remainders also add up to the
-- income it leaves unitemised, as chk_class_remainders_equal_unitemised_funds judges them (macros
-- summary_income, unitemised_funds): remainders fill every class up to the 收支总表, so they would otherwise
-- hide any line the source lost.
-- A source compared with no stated total (the document states none) does not fail. No cycle: this model
-- reads the candidates and the stated totals, never the checks models.
with candidates as (select * from {{ ref('int_line_source_candidates') }}),

docs as (
    select d.document_id, {{ document_own_code('d') }} as own_code
    from {{ ref('int_documents') }} d
),

sources as (
    select document_id, source_rank, {{ agg_any('line_source') }} as line_source,
        max(totals_unit_yuan) as totals_unit_yuan
    from candidates
    group by document_id, source_rank
),

stated as ({{ stated_total_expenditure('docs') }}),

stated_by_source as (  -- every candidate source is compared with the same stated totals
    select s.*, src.source_rank from stated s join sources src on src.document_id = s.document_id
),

parts as (
    select document_id, source_rank, unit_code, is_own, amount, n_terms as n, unit_yuan from candidates
),

compared as ({{ parts_against_stated_totals('parts', 'stated_by_source', ['source_rank']) }}),

comparisons as (
    -- the document (ord 0) and each unit part (ord 1) against their stated totals
    select c.document_id, c.source_rank, case when c.is_own then 0 else 1 end as ord, c.unit_code, c.page,
        c.expected, c.actual, c.n_terms, greatest(c.lines_unit_yuan, src.totals_unit_yuan) as unit_yuan,
        case when c.is_own then '' else 'unit ' || coalesce(c.unit_code, '?') || ' ' end as subject,
        'stated' as side
    from compared c
    join sources src on src.document_id = c.document_id and src.source_rank = c.source_rank
    union all
    -- a partial source's class remainders (ord 2) against the income its lines do not cover
    select document_id, source_rank, 2, unit_code, unitemised_page, unitemised_yuan, remainder_amount,
        remainder_terms + 2, greatest(unitemised_unit_yuan, remainder_unit_yuan), 'class remainders ',
        'unitemised funds'
    from candidates
    where is_own and remainders_compared
),

tested as (
    select c.*, {{ within_tolerance('c.expected', 'c.actual', 'c.n_terms', 'c.unit_yuan') }} as closes
    from comparisons c
),

verdicts as (
    select c.*,
        -- "Σ 3,120.00 ≠ stated 3,164.27 (p. 7)", a unit part named: "unit 123001 Σ … (p. 9)"
        c.subject || 'Σ ' || {{ format_yuan('c.actual') }}
            || case when c.actual = c.expected then ' = ' when c.closes then ' ≈ ' else ' ≠ ' end
            || c.side || ' ' || {{ format_yuan('coalesce(c.expected, 0)') }}
            || coalesce(' (p. ' || cast(c.page as varchar) || ')', '') as comparison
    from tested c
),

judged as (  -- one row per document × source
    select src.document_id, src.source_rank, src.line_source,
        {{ line_source_label('src.line_source') }} as label,
        coalesce(bool_and(v.closes), true) as closes,
        count(v.document_id) as n_compared,
        count(v.document_id) - count(case when v.closes then 1 end) as n_failing,
        {{ agg_first('v.comparison', 'v.ord, v.unit_code', 'not v.closes') }} as first_failure,
        {{ agg_first('v.comparison', 'v.ord, v.unit_code', 'v.closes') }} as first_closing,
        count(case when v.ord = 1 then 1 end) as n_unit_parts
    from sources src
    left join verdicts v on v.document_id = src.document_id and v.source_rank = src.source_rank
    group by src.document_id, src.source_rank, src.line_source
),

described as (
    select *,
        label || ' ' || first_failure
            || case when n_failing > 1 then ' (+' || cast(n_failing - 1 as varchar) || ' more)' else '' end
            as failure_text
    from judged
),

ranked as (
    select *,
        row_number() over (partition by document_id
                           order by case when closes then 0 else 1 end, source_rank) as pick,
        count(*) over (partition by document_id) as n_sources,
        count(case when closes then 1 end) over (partition by document_id) as n_closing
    from described
),

failed_before as (  -- the sources ranked before the chosen one, which do not close
    select r.document_id, string_agg(r.failure_text, '; ' order by r.source_rank) as failures
    from ranked r
    join ranked c on c.document_id = r.document_id and c.pick = 1
    where r.source_rank < c.source_rank or (c.n_closing = 0 and r.pick > 1)
    group by r.document_id
)

select r.document_id, r.source_rank, r.line_source, r.closes, r.n_sources,
    case
        when r.n_closing = 0 then
            'no source closes: ' || r.failure_text || coalesce('; ' || f.failures, '')
            || '; lines from ' || r.label || ' (first by rank)'
        when r.n_compared = 0 then
            r.label || ': no stated total to compare with; first by rank'
        else coalesce(f.failures || '; ', '') || r.label || ' closes: ' || r.first_closing
            || case when r.n_unit_parts > 0 then ', and its ' || cast(r.n_unit_parts as varchar) || ' unit parts'
                    else '' end
    end as line_source_reason
from ranked r
left join failed_before f on f.document_id = r.document_id
where r.pick = 1
