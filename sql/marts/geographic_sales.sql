-- grain: one row per month, country and region
-- key: month, country_code, region_code
-- partition: month (month)
-- cluster: country_code
-- materialization: partitions
--
-- One row per month, country and region (province/state) of the shipping address.
WITH

orders AS (
  SELECT
    DATE_TRUNC(order_date, MONTH) AS month,
    COALESCE(country_code, 'unknown') AS country_code,
    COALESCE(region_code, 'unknown') AS region_code,
    customer_key,
    order_revenue
  FROM unified.shopify_unified
  WHERE order_date BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
    AND NOT is_cancelled
)

SELECT
  month,
  country_code,
  region_code,
  COUNT(*) AS orders,
  COALESCE(SUM(order_revenue), 0) AS revenue,
  COUNT(DISTINCT customer_key) AS customers,
  -- Money ÷ count as NUMERIC, so a half-cent tie rounds away from zero on DuckDB as on BigQuery.
  ROUND(SAFE_DIVIDE(CAST(SUM(order_revenue) AS NUMERIC), CAST(COUNTIF(order_revenue IS NOT NULL) AS NUMERIC)), @currency_places) AS aov
FROM orders
GROUP BY month, country_code, region_code
