-- Deletes the orders sql/queries/ingest/superseded_file_drop_orders.sql counts, with the same bounds: the earlier
-- file drops' versions of the orders a new drop holds.
DELETE FROM raw.shopify_orders
WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@period_start_date, INTERVAL 1 DAY))
  AND JSON_VALUE(_airbyte_meta, '$.source') = 'file'
  AND JSON_VALUE(_airbyte_meta, '$.sha256') != @sha256
  AND id IN (
    SELECT dropped.id
    FROM raw.shopify_orders AS dropped
    WHERE dropped._airbyte_extracted_at >= TIMESTAMP(@landed_at)
      AND JSON_VALUE(dropped._airbyte_meta, '$.sha256') = @sha256
  )
