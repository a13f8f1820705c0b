-- Audit (blocking): every order in unified.shopify_unified has an id, an order day, a channel and a cancelled flag.
-- Table: unified.shopify_unified
-- Column: order_id
SELECT order_id, order_date, channel, is_cancelled
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
  AND (order_id IS NULL OR channel IS NULL OR is_cancelled IS NULL)
