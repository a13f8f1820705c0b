-- Audit (blocking): marts.marketing_daily_channel has one row per day and channel.
-- Table: marts.marketing_daily_channel
-- Column: channel
SELECT date, channel, COUNT(*) AS copies
FROM marts.marketing_daily_channel
WHERE date BETWEEN @window_start AND @window_end
GROUP BY date, channel
HAVING COUNT(*) > 1
