-- The channel mix of the previous and the run month.
SELECT
  month, channel, spend, attributed_orders, attributed_revenue, spend_share, orders_share, revenue_share,
  incomplete_days, is_complete
FROM marts.channel_mix
WHERE month BETWEEN @previous_month_date AND @run_month_date
ORDER BY month, channel
