-- Each paid channel's runs of days with an explanation (stale source, no spend, broken attribution) since
-- @gaps_start_date.
SELECT
  channel, explanation, MIN(date) AS first_date, MAX(date) AS last_date, COUNT(*) AS days,
  SUM(spend) AS spend, SUM(attributed_revenue) AS attributed_revenue
FROM marts.marketing_unified_with_explanations
WHERE date BETWEEN @gaps_start_date AND @run_date
  AND is_paid_channel
  AND explanation IS NOT NULL
GROUP BY channel, explanation
ORDER BY channel, first_date, explanation
