-- Audit (warning): no order has a negative total, subtotal, tax, shipping or refund.
-- Table: unified.shopify_unified
-- Column: total_price
SELECT order_id, order_date, total_price, subtotal_price, total_tax, shipping_price, refunded_amount
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
  AND (total_price < 0 OR subtotal_price < 0 OR total_tax < 0 OR shipping_price < 0 OR refunded_amount < 0)
