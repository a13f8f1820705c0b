-- Grain: one row per day (order day in the shop's time zone) with the business's headline KPIs.
-- Formulas: see README "Metrics glossary". Cancelled orders are excluded; refunds count on the order's day.
WITH

orders AS (
  SELECT *
  FROM unified.shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
),

line_items AS (
  SELECT order_date, quantity
  FROM staging.stg_shopify_line_items
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
),

ads AS (
  SELECT date, spend
  FROM unified.ads_daily
  WHERE date BETWEEN @window_start AND @window_end
),

order_days AS (
  SELECT
    order_date AS date,
    COUNT(*) AS orders,
    COUNTIF(total_price IS NULL) AS orders_missing_value,
    COALESCE(SUM(total_price), 0) AS gross_revenue,
    COALESCE(SUM(total_discounts), 0) AS discounts,
    COALESCE(SUM(refunded_amount), 0) AS refunds,
    COUNTIF(is_first_order) AS new_customers,
    COUNT(DISTINCT IF(is_returning_customer, customer_key, NULL)) AS returning_customers,
    COALESCE(SUM(IF(is_first_order, total_price, 0)), 0) AS new_customer_revenue,
    COALESCE(SUM(IF(is_returning_customer, total_price, 0)), 0) AS returning_customer_revenue
  FROM orders
  GROUP BY order_date
),

unit_days AS (
  SELECT order_date AS date, SUM(quantity) AS units
  FROM line_items
  GROUP BY order_date
),

spend_days AS (
  SELECT date, SUM(spend) AS ad_spend
  FROM ads
  GROUP BY date
),

all_days AS (
  SELECT date FROM order_days
  UNION DISTINCT
  SELECT date FROM spend_days
),

combined AS (
  SELECT
    all_days.date,
    COALESCE(order_days.orders, 0) AS orders,
    COALESCE(order_days.orders_missing_value, 0) AS orders_missing_value,
    COALESCE(order_days.gross_revenue, 0) AS gross_revenue,
    COALESCE(order_days.discounts, 0) AS discounts,
    COALESCE(order_days.refunds, 0) AS refunds,
    COALESCE(order_days.gross_revenue, 0) - COALESCE(order_days.refunds, 0) AS net_revenue,
    COALESCE(unit_days.units, 0) AS units,
    COALESCE(order_days.new_customers, 0) AS new_customers,
    COALESCE(order_days.returning_customers, 0) AS returning_customers,
    COALESCE(order_days.new_customer_revenue, 0) AS new_customer_revenue,
    COALESCE(order_days.returning_customer_revenue, 0) AS returning_customer_revenue,
    COALESCE(spend_days.ad_spend, 0) AS ad_spend
  FROM all_days
  LEFT JOIN order_days ON order_days.date = all_days.date
  LEFT JOIN unit_days ON unit_days.date = all_days.date
  LEFT JOIN spend_days ON spend_days.date = all_days.date
)

SELECT
  date,
  orders,
  orders_missing_value,
  gross_revenue,
  discounts,
  refunds,
  net_revenue,
  units,
  -- AOV over the orders that carry a value, so that a missing total does not drag it down.
  ROUND(SAFE_DIVIDE(gross_revenue, orders - orders_missing_value), 2) AS aov,
  new_customers,
  returning_customers,
  new_customer_revenue,
  returning_customer_revenue,
  ad_spend,
  ROUND(SAFE_DIVIDE(gross_revenue, ad_spend), 4) AS blended_roas,
  ROUND(SAFE_DIVIDE(net_revenue, ad_spend), 4) AS mer,
  ROUND(SAFE_DIVIDE(ad_spend, new_customers), 2) AS cac
FROM combined
