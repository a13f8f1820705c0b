-- The order days before the run window that a change to the catalogue reaches (transform/recatalogued_products):
-- the days a recatalogued product sold (@product_ids, a JSON array), whose product marts carry its old title and
-- category, and the days with lines of an orders export (no product id, a key from 4e15 up) whose SKU is now one
-- of a recatalogued product's (@skus, a JSON array): lines_remapped, their staged lines take its product id.
-- Reads three columns of every line item (day, product id, SKU), on the runs that change the catalogue only.
SELECT
  order_date AS day,
  LOGICAL_OR(product_id >= 4000000000000000 AND sku IN UNNEST(JSON_VALUE_ARRAY(@skus))) AS lines_remapped
FROM staging.stg_shopify_line_items
WHERE order_date < @window_start
  AND (
    CAST(product_id AS STRING) IN UNNEST(JSON_VALUE_ARRAY(@product_ids))
    OR (product_id >= 4000000000000000 AND sku IN UNNEST(JSON_VALUE_ARRAY(@skus)))
  )
GROUP BY order_date
ORDER BY day
