-- Audit (blocking): every order in staging.stg_shopify_line_items is in unified.shopify_unified.
-- Table: staging.stg_shopify_line_items
-- Column: order_id
SELECT DISTINCT line_items.order_id, line_items.order_date
FROM staging.stg_shopify_line_items AS line_items
LEFT JOIN (
  SELECT order_id
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @window_start AND @window_end
) AS orders
  ON orders.order_id = line_items.order_id
WHERE line_items.order_date BETWEEN @window_start AND @window_end
  AND orders.order_id IS NULL
