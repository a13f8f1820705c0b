-- The run day's headline numbers for the command line's closing summary, with the sources they exclude and which of
-- those landed without an exchange rate.
SELECT orders, gross_revenue, ad_spend, blended_roas, aov, missing_sources, unconverted_sources
FROM marts.daily_kpis
WHERE date = @run_date
