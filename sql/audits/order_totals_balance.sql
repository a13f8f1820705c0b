-- Audit (warning): an order's total equals its subtotal plus shipping and tips, plus tax unless prices include it, within 0.01.
-- Table: unified.shopify_unified
-- Column: total_price
-- Where prices include tax (the usual setting in the EU, the UK, Australia and Japan), Shopify's total is the
-- subtotal plus shipping and total_tax is the part of it that is tax: adding it again would flag every order.
-- Shopify's total also holds the order's tips (REST Order.total_price: "line item prices, discounts, shipping,
-- taxes, and tips"): left out, every tipped order would be flagged.
SELECT order_id, order_date, subtotal_price, shipping_price, total_tax, tips, total_price
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
  AND total_price IS NOT NULL
  AND ABS(total_price - (subtotal_price + shipping_price + tips + total_tax)) > 0.01
  AND ABS(total_price - (subtotal_price + shipping_price + tips)) > 0.01
