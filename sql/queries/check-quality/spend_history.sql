-- Daily spend per paid channel over the history. A day the channel's ad platform had not landed (NULL spend) is
-- left out, as it was before the mart carried it: the series reads it as 0, and check-sources reports the source.
SELECT date, channel, spend
FROM marts.marketing_daily_channel
WHERE date BETWEEN @history_start_date AND @run_date
  AND channel IN (SELECT channel FROM staging.channels WHERE is_paid_channel)
  AND spend IS NOT NULL
ORDER BY channel, date
