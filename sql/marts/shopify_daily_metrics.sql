-- grain: one row per day: the shop's numbers
-- key: date
-- partition: date (day)
-- cluster: none
-- materialization: partitions
--
-- One row per order day (shop's time zone): the shop's own numbers, before any marketing.
-- Cancelled orders are left out; refunds count on their order's day (see README, Metrics glossary).
WITH

orders AS (
  SELECT *
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
)

SELECT
  order_date AS date,
  COUNT(*) AS orders,
  COUNTIF(total_price IS NULL) AS orders_missing_value,
  COALESCE(SUM(order_revenue), 0) AS gross_revenue,
  COALESCE(SUM(total_discounts), 0) AS discounts,
  COALESCE(SUM(refunded_amount), 0) AS refunds,
  COALESCE(SUM(order_revenue), 0) - COALESCE(SUM(refunded_amount), 0) AS net_revenue,
  COALESCE(SUM(shipping_price), 0) AS shipping,
  COALESCE(SUM(total_tax), 0) AS taxes,
  SUM(units) AS units,
  -- AOV over the orders that carry a value, so that a missing total does not drag it down (an order of gift cards
  -- only carries one: no revenue). Money ÷ count as NUMERIC, so a half-cent tie rounds away from zero on DuckDB as
  -- on BigQuery.
  ROUND(SAFE_DIVIDE(CAST(SUM(order_revenue) AS NUMERIC), CAST(COUNTIF(order_revenue IS NOT NULL) AS NUMERIC)), @currency_places) AS aov,
  COUNTIF(is_first_order) AS new_customers,
  COUNT(DISTINCT IF(is_returning_customer, customer_key, NULL)) AS returning_customers,
  COUNTIF(customer_order_number IS NULL) AS orders_without_customer,
  COALESCE(SUM(IF(is_first_order, order_revenue, 0)), 0) AS new_customer_revenue,
  COALESCE(SUM(IF(is_returning_customer, order_revenue, 0)), 0) AS returning_customer_revenue,
  COUNTIF(refunded_amount > 0) AS refunded_orders,
  CAST(
    ROUND(
      SAFE_DIVIDE(CAST(COUNTIF(refunded_amount > 0) AS NUMERIC), CAST(COUNT(*) AS NUMERIC)),
      4
    ) AS FLOAT64
  ) AS refund_rate,
  COUNTIF(utm_source IS NOT NULL) AS orders_with_utm,
  CAST(
    ROUND(
      SAFE_DIVIDE(CAST(COUNTIF(utm_source IS NOT NULL) AS NUMERIC), CAST(COUNT(*) AS NUMERIC)),
      4
    ) AS FLOAT64
  ) AS attribution_coverage
FROM orders
GROUP BY order_date
