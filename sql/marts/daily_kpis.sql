-- grain: one row per day: headline KPIs (shop and ad spend)
-- key: date
-- partition: date (day)
-- cluster: none
-- materialization: partitions
--
-- One row per day: the headline KPIs of the business, the shop's numbers next to its ad spend.
-- Formulas: README, Metrics glossary. The deck, the email and the daily_kpis extract read this table.
-- is_complete is FALSE when an expected source had not landed through the day (unified.source_coverage):
-- missing_sources names them (comma-separated, e.g. "facebook_ads,tiktok_ads"), and the day's spend, blended
-- ROAS, MER and CAC count only the sources that had. unconverted_sources names those of them whose rows did land but
-- whose spend had no exchange rate to the shop's currency (source_coverage's lacks_exchange_rate), each with the
-- account currencies that lack one ("facebook_ads:USD", "google_ads:GBP/USD"; the source alone where its rows name
-- no currency): the reader is asked for a rate, not told the platform has no data. NULL when there are none.
WITH

shop_days AS (
  SELECT *
  FROM marts.shopify_daily_metrics
  WHERE date BETWEEN @window_start AND @window_end
),

spend_days AS (
  SELECT date, SUM(spend) AS ad_spend
  FROM unified.marketing_unified
  WHERE date BETWEEN @window_start AND @window_end
  GROUP BY date
),

coverage_days AS (
  SELECT
    date,
    STRING_AGG(IF(is_expected AND NOT has_landed, source, NULL), ',' ORDER BY source) AS missing_sources,
    STRING_AGG(
      IF(
        is_expected AND lacks_exchange_rate,
        IF(unconverted_currencies IS NULL, source, CONCAT(source, ':', unconverted_currencies)),
        NULL
      ),
      ',' ORDER BY source
    ) AS unconverted_sources
  FROM unified.source_coverage
  WHERE date BETWEEN @window_start AND @window_end
  GROUP BY date
),

all_days AS (
  SELECT date FROM shop_days
  UNION DISTINCT
  SELECT date FROM spend_days
),

combined AS (
  SELECT
    all_days.date,
    COALESCE(shop_days.orders, 0) AS orders,
    COALESCE(shop_days.orders_missing_value, 0) AS orders_missing_value,
    COALESCE(shop_days.gross_revenue, 0) AS gross_revenue,
    COALESCE(shop_days.discounts, 0) AS discounts,
    COALESCE(shop_days.refunds, 0) AS refunds,
    COALESCE(shop_days.net_revenue, 0) AS net_revenue,
    COALESCE(shop_days.units, 0) AS units,
    shop_days.aov,
    COALESCE(shop_days.new_customers, 0) AS new_customers,
    COALESCE(shop_days.returning_customers, 0) AS returning_customers,
    COALESCE(shop_days.new_customer_revenue, 0) AS new_customer_revenue,
    COALESCE(shop_days.returning_customer_revenue, 0) AS returning_customer_revenue,
    COALESCE(spend_days.ad_spend, 0) AS ad_spend,
    coverage_days.missing_sources,
    coverage_days.unconverted_sources
  FROM all_days
  LEFT JOIN shop_days ON shop_days.date = all_days.date
  LEFT JOIN spend_days ON spend_days.date = all_days.date
  LEFT JOIN coverage_days ON coverage_days.date = all_days.date
)

SELECT
  date,
  orders,
  orders_missing_value,
  gross_revenue,
  discounts,
  refunds,
  net_revenue,
  units,
  aov,
  new_customers,
  returning_customers,
  new_customer_revenue,
  returning_customer_revenue,
  ad_spend,
  ROUND(SAFE_DIVIDE(CAST(gross_revenue AS NUMERIC), CAST(ad_spend AS NUMERIC)), 4) AS blended_roas,
  ROUND(SAFE_DIVIDE(CAST(net_revenue AS NUMERIC), CAST(ad_spend AS NUMERIC)), 4) AS mer,
  -- Money ÷ count as NUMERIC, so a half-cent tie rounds away from zero on DuckDB as on BigQuery. No CAC without ad
  -- spend: $0 would read as customers acquired for free, where nothing was measured.
  ROUND(SAFE_DIVIDE(CAST(NULLIF(ad_spend, 0) AS NUMERIC), CAST(new_customers AS NUMERIC)), @currency_places) AS cac,
  missing_sources IS NULL AS is_complete,
  missing_sources,
  unconverted_sources
FROM combined
