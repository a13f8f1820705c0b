-- Extract for Looker Studio. Grain: one row per month, country and region (shipping address) up to the run date's
-- month. Column list is the extract's contract: add columns at the end (before is_demo), never rename or reorder.
-- aov is revenue ÷ orders_with_value (orders that carry a value; NULL, never 0, without one), counted here from
-- the orders as the mart counts them, since the mart keeps only the ratio.
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: every filter is on a partition column, so a month costs the
-- bytes of its own partitions only. Rows stay in month order first, so chunks concatenate in month order.
WITH

region_months AS (
  SELECT month, country_code, region_code, orders, revenue, customers, aov
  FROM marts.geographic_sales
  WHERE month BETWEEN @from_date AND @through_date
),

orders_without_value AS (
  SELECT
    DATE_TRUNC(order_date, MONTH) AS month,
    COALESCE(country_code, 'unknown') AS country_code,
    COALESCE(region_code, 'unknown') AS region_code,
    COUNT(*) AS orders_missing_value
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @from_date AND @through_date
    AND NOT is_cancelled
    AND total_price IS NULL
  GROUP BY month, country_code, region_code
)

SELECT
  region_months.month,
  region_months.country_code,
  region_months.region_code,
  region_months.orders,
  region_months.revenue,
  region_months.customers,
  region_months.aov,
  region_months.orders - COALESCE(orders_without_value.orders_missing_value, 0) AS orders_with_value,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM region_months
LEFT JOIN orders_without_value
  ON orders_without_value.month = region_months.month
  AND orders_without_value.country_code = region_months.country_code
  AND orders_without_value.region_code = region_months.region_code
ORDER BY region_months.month, region_months.country_code, region_months.region_code
