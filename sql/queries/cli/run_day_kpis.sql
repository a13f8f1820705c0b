-- The run day's headline numbers for the command line's closing summary.
SELECT orders, gross_revenue, ad_spend, blended_roas, aov, missing_sources
FROM marts.daily_kpis
WHERE date = @run_date
