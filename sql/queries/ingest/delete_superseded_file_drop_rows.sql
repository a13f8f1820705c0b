-- Deletes the rows sql/queries/ingest/superseded_file_drop_rows.sql counts, with the same bounds: what earlier
-- file drops of the same kind landed for the days a new drop covers. A template, as that query.
DELETE FROM {{table}}
WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@period_start_date, INTERVAL 1 DAY))
  AND JSON_VALUE(_airbyte_meta, '$.kind') = @kind
  AND JSON_VALUE(_airbyte_meta, '$.sha256') != @sha256
  AND {{event_date}} BETWEEN @period_start_date AND @period_end_date
