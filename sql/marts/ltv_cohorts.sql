-- grain: one row per acquisition month and month since first order
-- key: cohort_month, months_since_first_order
-- partition: none
-- cluster: cohort_month
-- materialization: full
--
-- One row per acquisition cohort (month of the customer's first order) and month since that first
-- order: active customers, orders, revenue, cumulative revenue per customer and retention.
-- Rebuilt whole every run (a cohort's row changes whenever any of its customers orders again), but from
-- unified.customer_cohort_activity, one row per cohort and order month, whose window months the run has just
-- rebuilt: a few hundred rows, however many orders the history holds.
WITH

activity AS (
  SELECT
    cohort_month,
    DATE_DIFF(order_month, cohort_month, MONTH) AS months_since_first_order,
    active_customers,
    orders,
    revenue
  FROM unified.customer_cohort_activity
  WHERE order_month <= @window_end
),

cohort_sizes AS (
  -- Every customer of a cohort ordered in its first month: the cohort's size is that month's active customers.
  SELECT cohort_month, active_customers AS cohort_customers
  FROM activity
  WHERE months_since_first_order = 0
)

SELECT
  activity.cohort_month,
  activity.months_since_first_order,
  cohort_sizes.cohort_customers,
  activity.active_customers,
  activity.orders,
  activity.revenue,
  SUM(activity.revenue) OVER (
    PARTITION BY activity.cohort_month ORDER BY activity.months_since_first_order
  ) AS cumulative_revenue,
  -- Money ÷ count as NUMERIC, so a half-cent tie rounds away from zero on DuckDB as on BigQuery.
  ROUND(
    SAFE_DIVIDE(
      CAST(
        SUM(activity.revenue) OVER (PARTITION BY activity.cohort_month ORDER BY activity.months_since_first_order)
        AS NUMERIC
      ),
      CAST(cohort_sizes.cohort_customers AS NUMERIC)
    ),
    @currency_places
  ) AS cumulative_revenue_per_customer,
  CAST(
    ROUND(
      SAFE_DIVIDE(CAST(activity.active_customers AS NUMERIC), CAST(cohort_sizes.cohort_customers AS NUMERIC)),
      4
    ) AS FLOAT64
  ) AS retention
FROM activity
JOIN cohort_sizes ON cohort_sizes.cohort_month = activity.cohort_month
