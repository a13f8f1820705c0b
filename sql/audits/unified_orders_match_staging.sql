-- Audit (blocking): unified.shopify_unified holds exactly as many orders as staging has distinct orders.
WITH

staged AS (
  SELECT COUNT(DISTINCT order_id) AS orders
  FROM staging.stg_shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
),

unified_orders AS (
  SELECT COUNT(*) AS orders
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @window_start AND @window_end
)

SELECT staged.orders AS staged_orders, unified_orders.orders AS unified_orders
FROM staged
CROSS JOIN unified_orders
WHERE staged.orders != unified_orders.orders
