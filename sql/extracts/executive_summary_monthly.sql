-- Extract for Looker Studio. Grain: one row per month up to the run date's month, with the same days a year
-- earlier (last_year_*: NULL unless the data reaches back to the first of those days). Column list is the extract's
-- contract: add columns at the end (before is_demo), never rename or reorder. Ratios are NULL where undefined,
-- never 0: a denominator of 0, and CAC in a month without ad spend. The ratios' numerators and denominators are
-- columns too; the two the mart keeps only inside its ratios (orders_with_value, last year's new customers) are
-- summed here from marts.daily_kpis over the same days as the mart.
WITH

months AS (
  SELECT *
  FROM marts.executive_summary_monthly
  WHERE month <= @run_date
),

daily AS (
  SELECT date, orders, orders_missing_value, new_customers
  FROM marts.daily_kpis
  WHERE date <= @run_date
),

-- Both joins are on the day's month (an equality) and a bound inside it, not a range of dates: the same days, but a
-- range join compares every month with every day of history, whose count grows with its square.
this_year_days AS (
  -- The days from the month's first to its period_end, which is in the same month.
  SELECT months.month, SUM(daily.orders - daily.orders_missing_value) AS orders_with_value
  FROM months
  JOIN daily
    ON DATE_TRUNC(daily.date, MONTH) = months.month
    AND daily.date <= months.period_end
  GROUP BY months.month
),

last_year_days AS (
  -- The same days a year earlier, as the mart counts them: from the first of that month to period_end less 12
  -- months (also in that month).
  SELECT months.month, SUM(daily.new_customers) AS new_customers
  FROM months
  JOIN daily
    ON DATE_TRUNC(daily.date, MONTH) = DATE_SUB(months.month, INTERVAL 12 MONTH)
    AND daily.date <= DATE_SUB(months.period_end, INTERVAL 12 MONTH)
  GROUP BY months.month
)

SELECT
  months.month,
  months.period_end,
  months.days,
  months.orders,
  months.gross_revenue,
  months.net_revenue,
  months.refunds,
  months.aov,
  months.new_customers,
  months.ad_spend,
  months.blended_roas,
  months.mer,
  months.cac,
  months.last_year_days,
  months.last_year_orders,
  months.last_year_gross_revenue,
  months.last_year_net_revenue,
  months.last_year_ad_spend,
  months.gross_revenue_yoy,
  months.orders_yoy,
  months.ad_spend_yoy,
  months.new_customers_yoy,
  months.incomplete_days,
  COALESCE(this_year_days.orders_with_value, 0) AS orders_with_value,
  -- Only where the mart compares with a year earlier (the data reaches back to it), like last_year_orders.
  IF(months.last_year_days IS NULL, NULL, COALESCE(last_year_days.new_customers, 0)) AS last_year_new_customers,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM months
LEFT JOIN this_year_days ON this_year_days.month = months.month
LEFT JOIN last_year_days ON last_year_days.month = months.month
ORDER BY months.month
