-- Audit (blocking): unified.shopify_unified has exactly one row per order. Returns the offending keys.
-- Table: unified.shopify_unified
-- Column: order_id
SELECT order_id, COUNT(*) AS copies
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
GROUP BY order_id
HAVING COUNT(*) > 1
