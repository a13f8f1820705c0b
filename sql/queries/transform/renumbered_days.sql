-- The order days whose first-order numbering a late change left out of date. Numbering an order needs its
-- customer's whole history (sql/unified/shopify_unified.sql), so a late change to one order — a cancellation, an
-- order landing late — renumbers the customer's later orders, which may lie on days no window rebuilt. For the
-- customers of the days just rebuilt for late changes (@late_start … @late_end), this compares each of their
-- orders in unified.shopify_unified with the numbering their history gives now, by the model's rule, and returns
-- the days that differ: the transform rebuilds them too, so a warm run ends where a full rebuild would.
WITH

rebuilt_customers AS (
  SELECT DISTINCT customer_fingerprint
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @late_start_date AND @late_end_date
),

current_numbers AS (
  -- customer_fingerprint is customer_key as an integer (sql/staging/stg_shopify_orders.sql): 8 bytes an order.
  SELECT
    order_id,
    ROW_NUMBER() OVER (PARTITION BY customer_fingerprint ORDER BY created_at, order_id) AS customer_order_number,
    DATE(MIN(created_at) OVER (PARTITION BY customer_fingerprint), @shop_timezone) AS customer_first_order_date
  FROM staging.stg_shopify_orders
  WHERE NOT is_cancelled
    AND customer_fingerprint IN (SELECT customer_fingerprint FROM rebuilt_customers)
),

stored AS (
  SELECT order_id, order_date, customer_order_number, customer_first_order_date
  FROM unified.shopify_unified
  WHERE customer_fingerprint IN (SELECT customer_fingerprint FROM rebuilt_customers)
)

SELECT DISTINCT stored.order_date AS day
FROM stored
LEFT JOIN current_numbers ON current_numbers.order_id = stored.order_id
WHERE stored.customer_order_number IS DISTINCT FROM current_numbers.customer_order_number
  OR stored.customer_first_order_date IS DISTINCT FROM current_numbers.customer_first_order_date
ORDER BY day
