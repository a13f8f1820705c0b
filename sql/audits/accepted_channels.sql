-- Audit (warning): channels are the ones sql/reference/channels.json lists (staging.channels).
-- Table: unified.shopify_unified
-- Column: channel
SELECT 'unified.shopify_unified' AS table_name, channel, COUNT(*) AS rows_with_channel
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
  AND channel NOT IN (SELECT channel FROM staging.channels)
GROUP BY channel
UNION ALL
SELECT 'marts.marketing_daily_channel' AS table_name, channel, COUNT(*) AS rows_with_channel
FROM marts.marketing_daily_channel
WHERE date BETWEEN @window_start AND @window_end
  AND channel NOT IN (SELECT channel FROM staging.channels)
GROUP BY channel
