-- Orders that earlier file drops landed and a new drop holds again: the new drop's version replaces them
-- (orders are keyed by id; an order the new drop does not hold is kept, whatever its day).
SELECT COUNT(*) AS row_count
FROM raw.shopify_orders AS earlier
WHERE JSON_VALUE(earlier._airbyte_meta, '$.source') = 'file'
  AND JSON_VALUE(earlier._airbyte_meta, '$.sha256') != @sha256
  AND earlier.id IN (
    SELECT dropped.id
    FROM raw.shopify_orders AS dropped
    WHERE JSON_VALUE(dropped._airbyte_meta, '$.sha256') = @sha256
  )
