-- The correction in force for each corrected cell: the newest CellCorrected event of that cell.
select event_id, recorded_at, document_id, table_index, row_index, column_name, corrected_text
from (
    select *, row_number() over (
        partition by document_id, table_index, row_index, column_name order by recorded_at desc, event_id
    ) as correction_rank
    from {{ ref('stg_cell_corrections') }}
) as ranked
where correction_rank = 1
