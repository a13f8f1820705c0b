-- The days each loaded file drop of an ad platform's export covers (its period: its rows' first to last day), for
-- unified.source_coverage: a platform that arrives as exports has landed a day only if an export covers it or a
-- row is dated that day. All history (a full build covers it), from ops.file_drops: one row per file ever dropped,
-- a small table. Shopify's and mapped sales exports (raw.shopify_orders) are not ad exports: a day between two of
-- them may have had no order.
SELECT raw_table, CAST(period_start AS STRING) AS period_start, CAST(period_end AS STRING) AS period_end
FROM ops.file_drops
WHERE status = 'loaded'
  AND raw_table IN UNNEST(JSON_VALUE_ARRAY(@ad_tables))
  AND period_start IS NOT NULL
  AND period_end IS NOT NULL
ORDER BY raw_table, period_start, period_end
