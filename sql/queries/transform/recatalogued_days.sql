-- The order days before the run window that a change to the catalogue reaches (transform/recatalogued_products):
-- the days a recatalogued product sold (@product_ids, a JSON array), whose product marts carry its old title and
-- category, and the days with lines of an orders export (no ids of their own: keys from 4e15 up) whose SKU is one
-- of a recatalogued product's (@skus, a JSON array): lines_remapped, their staged lines take its product id and
-- whether it is a gift card. A line already given a product by an earlier catalogue is one of them too (its
-- product id is then the catalogue's, its line id still a key): a SKU now marked a gift card's changes its revenue.
-- So do the days with such lines named as one of @line_names (a JSON array): the names whose gift card verdict the
-- catalogue change turned (a gift card's line without a SKU, matched by its name).
-- Reads five columns of every line item (day, line id, product id, SKU, name), on the runs that change the
-- catalogue only.
SELECT
  order_date AS day,
  LOGICAL_OR(
    line_item_id >= 4000000000000000
    AND (sku IN UNNEST(JSON_VALUE_ARRAY(@skus)) OR product_title IN UNNEST(JSON_VALUE_ARRAY(@line_names)))
  ) AS lines_remapped
FROM staging.stg_shopify_line_items
WHERE order_date < @window_start
  AND (
    CAST(product_id AS STRING) IN UNNEST(JSON_VALUE_ARRAY(@product_ids))
    OR (
      line_item_id >= 4000000000000000
      AND (sku IN UNNEST(JSON_VALUE_ARRAY(@skus)) OR product_title IN UNNEST(JSON_VALUE_ARRAY(@line_names)))
    )
  )
GROUP BY order_date
ORDER BY day
