-- The cohorts acquired since @cohort_start_date, over their first @cohort_months months.
SELECT
  cohort_month, months_since_first_order, cohort_customers, active_customers, revenue,
  cumulative_revenue_per_customer, retention
FROM marts.ltv_cohorts
WHERE cohort_month BETWEEN @cohort_start_date AND @run_month_date
  AND months_since_first_order < @cohort_months
ORDER BY cohort_month, months_since_first_order
