-- Audit (blocking): staging.stg_shopify_line_items has exactly one row per line item.
-- Table: staging.stg_shopify_line_items
-- Column: line_item_id
SELECT line_item_id, COUNT(*) AS copies
FROM staging.stg_shopify_line_items
WHERE order_date BETWEEN @window_start AND @window_end
  AND line_item_id IS NOT NULL
GROUP BY line_item_id
HAVING COUNT(*) > 1
