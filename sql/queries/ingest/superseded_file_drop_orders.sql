-- Orders that earlier file drops landed and a new drop holds again: the new drop's version replaces them
-- (orders are keyed by id; an order the new drop does not hold is kept, whatever its day).
-- The new drop's rows were landed at @landed_at. An earlier version of one of its orders was landed after that
-- order was created, so after the day before the drop's first order day: both bounds are on the raw table's
-- partition column, so that a drop of recent orders reads the partitions since then, not the shop's history.
SELECT COUNT(*) AS row_count
FROM raw.shopify_orders AS earlier
WHERE earlier._airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@period_start_date, INTERVAL 1 DAY))
  AND JSON_VALUE(earlier._airbyte_meta, '$.source') = 'file'
  AND JSON_VALUE(earlier._airbyte_meta, '$.sha256') != @sha256
  AND earlier.id IN (
    SELECT dropped.id
    FROM raw.shopify_orders AS dropped
    WHERE dropped._airbyte_extracted_at >= TIMESTAMP(@landed_at)
      AND JSON_VALUE(dropped._airbyte_meta, '$.sha256') = @sha256
  )
