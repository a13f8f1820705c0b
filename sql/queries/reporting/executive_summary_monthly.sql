-- The deck's monthly headline KPIs, from the first month of its history to the run month.
SELECT
  month, period_end, days, orders, gross_revenue, net_revenue, refunds, aov, new_customers, ad_spend,
  blended_roas, mer, cac, last_year_orders, last_year_gross_revenue, last_year_net_revenue,
  last_year_ad_spend, gross_revenue_yoy, orders_yoy, incomplete_days
FROM marts.executive_summary_monthly
WHERE month BETWEEN @first_month_date AND @run_month_date
ORDER BY month
