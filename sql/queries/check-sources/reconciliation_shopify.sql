-- The warehouse's side of the Shopify reconciliation: per order day (shop's time zone) in the window, the orders
-- that are neither cancelled nor test orders and the sum of their total_price, each order in its latest raw
-- version (the rule of sql/staging/stg_shopify_orders.sql; check-sources runs before the models are built, so it
-- reads raw). The API's side leaves test orders out too (functions/lib/platform-apis/shopify.ts).
-- Only rows extracted from the day before the window on are read (the raw tables' partition column): a day's
-- rows, and every later version of them, are extracted after the day begins.
WITH

latest_orders AS (
  SELECT created_at, cancelled_at, total_price, test
  FROM raw.shopify_orders
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND DATE(created_at, @shop_timezone) BETWEEN @window_start AND @window_end
  QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) = 1
)

SELECT
  DATE(created_at, @shop_timezone) AS day,
  '' AS account_id,
  COUNT(*) AS orders,
  CAST(COALESCE(SUM(total_price), 0) AS FLOAT64) AS revenue
FROM latest_orders
WHERE cancelled_at IS NULL
  AND NOT COALESCE(test, FALSE)
GROUP BY day
