-- The deck's monthly channel performance, from the first month of its history to the run month.
SELECT
  month, channel, is_paid_channel, days, spend, impressions, clicks, platform_conversions,
  platform_conversion_value, attributed_orders, attributed_new_customers, attributed_revenue, roas,
  platform_roas, cpa, ctr, cpc, incomplete_days, is_complete, attributed_new_customer_revenue, new_customer_cpa,
  new_customer_roas
FROM marts.marketing_monthly_performance
WHERE month BETWEEN @first_month_date AND @run_month_date
ORDER BY month, channel
