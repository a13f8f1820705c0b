-- Daily spend per paid channel over the history.
SELECT date, channel, spend
FROM marts.marketing_daily_channel
WHERE date BETWEEN @history_start_date AND @run_date
  AND channel IN (SELECT channel FROM staging.channels WHERE is_paid_channel)
ORDER BY channel, date
