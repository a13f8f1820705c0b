-- grain: one row per acquisition month and month since first order
-- key: cohort_month, months_since_first_order
-- partition: none
-- cluster: cohort_month
-- materialization: full
--
-- One row per acquisition cohort (month of the customer's first order) and month since that first
-- order: active customers, orders, revenue, cumulative revenue per customer and retention.
-- Rebuilt whole every run: a cohort's row changes whenever any of its customers orders again.
WITH

orders AS (
  SELECT
    customer_key,
    DATE_TRUNC(customer_first_order_date, MONTH) AS cohort_month,
    DATE_TRUNC(order_date, MONTH) AS order_month,
    total_price
  FROM unified.shopify_unified
  WHERE order_date <= @window_end
    AND NOT is_cancelled
    AND customer_order_number IS NOT NULL
),

cohort_sizes AS (
  SELECT cohort_month, COUNT(DISTINCT customer_key) AS cohort_customers
  FROM orders
  GROUP BY cohort_month
),

cohort_months AS (
  SELECT
    cohort_month,
    DATE_DIFF(order_month, cohort_month, MONTH) AS months_since_first_order,
    COUNT(DISTINCT customer_key) AS active_customers,
    COUNT(*) AS orders,
    COALESCE(SUM(total_price), 0) AS revenue
  FROM orders
  GROUP BY cohort_month, months_since_first_order
)

SELECT
  cohort_months.cohort_month,
  cohort_months.months_since_first_order,
  cohort_sizes.cohort_customers,
  cohort_months.active_customers,
  cohort_months.orders,
  cohort_months.revenue,
  SUM(cohort_months.revenue) OVER (
    PARTITION BY cohort_months.cohort_month ORDER BY cohort_months.months_since_first_order
  ) AS cumulative_revenue,
  ROUND(
    SAFE_DIVIDE(
      SUM(cohort_months.revenue) OVER (
        PARTITION BY cohort_months.cohort_month ORDER BY cohort_months.months_since_first_order
      ),
      cohort_sizes.cohort_customers
    ),
    2
  ) AS cumulative_revenue_per_customer,
  ROUND(SAFE_DIVIDE(cohort_months.active_customers, cohort_sizes.cohort_customers), 4) AS retention
FROM cohort_months
JOIN cohort_sizes ON cohort_sizes.cohort_month = cohort_months.cohort_month
