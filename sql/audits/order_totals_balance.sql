-- Audit (warning): an order's total equals its subtotal plus shipping plus tax, within a cent.
-- Table: unified.shopify_unified
-- Column: total_price
SELECT order_id, order_date, subtotal_price, shipping_price, total_tax, total_price
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
  AND total_price IS NOT NULL
  AND ABS(total_price - (subtotal_price + shipping_price + total_tax)) > 0.01
