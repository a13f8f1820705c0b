-- The daily KPIs of the report's history.
SELECT
  date, orders, orders_missing_value, gross_revenue, discounts, refunds, net_revenue, units, aov, new_customers,
  returning_customers, new_customer_revenue, returning_customer_revenue, ad_spend, blended_roas, mer, cac,
  is_complete, missing_sources, unconverted_sources
FROM marts.daily_kpis
WHERE date BETWEEN @history_start_date AND @run_date
ORDER BY date
