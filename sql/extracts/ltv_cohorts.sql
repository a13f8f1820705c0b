-- Extract for Looker Studio. Grain: one row per acquisition month (cohort) and month since its first order.
-- Column list is the extract's contract: add columns at the end (before is_demo), never rename or reorder.
-- retention and cumulative_revenue_per_customer divide by cohort_customers (never 0: a cohort has a customer).
SELECT
  cohort_month,
  months_since_first_order,
  cohort_customers,
  active_customers,
  orders,
  revenue,
  cumulative_revenue,
  cumulative_revenue_per_customer,
  retention,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.ltv_cohorts
WHERE cohort_month <= @run_date
ORDER BY cohort_month, months_since_first_order
