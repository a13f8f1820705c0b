-- grain: one row per month, with the same days a year earlier
-- key: month
-- partition: month (month)
-- cluster: none
-- materialization: partitions
--
-- One row per month: the headline KPIs and the same KPIs a year earlier over the same days of the
-- month (so a month in progress is compared like for like), with year-over-year changes. NULL, not 0, where
-- the data does not reach back to the first of those days.
WITH

daily AS (
  SELECT *
  FROM marts.daily_kpis
  WHERE date BETWEEN DATE_SUB(DATE_TRUNC(@window_start, MONTH), INTERVAL 12 MONTH) AND @window_end
),

months AS (
  SELECT DISTINCT
    DATE_TRUNC(date, MONTH) AS month,
    LEAST(LAST_DAY(date, MONTH), @window_end) AS period_end
  FROM daily
  WHERE date >= DATE_TRUNC(@window_start, MONTH)
),

this_year AS (
  SELECT
    months.month,
    months.period_end,
    COUNT(*) AS days,
    SUM(daily.orders) AS orders,
    SUM(daily.gross_revenue) AS gross_revenue,
    SUM(daily.net_revenue) AS net_revenue,
    SUM(daily.refunds) AS refunds,
    SUM(daily.new_customers) AS new_customers,
    SUM(daily.ad_spend) AS ad_spend,
    SUM(daily.orders - daily.orders_missing_value) AS orders_with_value,
    -- Days whose expected sources had not all landed: the month's spend-based KPIs understate their spend.
    COUNTIF(NOT COALESCE(daily.is_complete, TRUE)) AS incomplete_days
  FROM months
  JOIN daily ON daily.date BETWEEN months.month AND months.period_end
  GROUP BY months.month, months.period_end
),

first_order_day AS (
  -- The shop's first order day (unified.shop_order_days: 8 bytes a day of history, not every order's date).
  SELECT MIN(date) AS first_date
  FROM unified.shop_order_days
),

last_year AS (
  -- The same days a year earlier, when the data covers them from their first day. A day of them without a row had
  -- no order and no spend (marts.daily_kpis has a row only for a day with either): a zero day, which a small shop
  -- has every week, not a gap.
  SELECT
    months.month,
    COUNT(daily.date) AS days,
    COALESCE(SUM(daily.orders), 0) AS orders,
    COALESCE(SUM(daily.gross_revenue), 0) AS gross_revenue,
    COALESCE(SUM(daily.net_revenue), 0) AS net_revenue,
    COALESCE(SUM(daily.new_customers), 0) AS new_customers,
    COALESCE(SUM(daily.ad_spend), 0) AS ad_spend
  FROM months
  CROSS JOIN first_order_day
  LEFT JOIN daily
    ON daily.date BETWEEN DATE_SUB(months.month, INTERVAL 12 MONTH) AND DATE_SUB(months.period_end, INTERVAL 12 MONTH)
  WHERE first_order_day.first_date <= DATE_SUB(months.month, INTERVAL 12 MONTH)
  GROUP BY months.month
)

SELECT
  this_year.month,
  this_year.period_end,
  this_year.days,
  this_year.orders,
  this_year.gross_revenue,
  this_year.net_revenue,
  this_year.refunds,
  -- Money ÷ count as NUMERIC, so a half-cent tie rounds away from zero on DuckDB as on BigQuery.
  ROUND(SAFE_DIVIDE(CAST(this_year.gross_revenue AS NUMERIC), CAST(this_year.orders_with_value AS NUMERIC)), @currency_places) AS aov,
  this_year.new_customers,
  this_year.ad_spend,
  ROUND(SAFE_DIVIDE(CAST(this_year.gross_revenue AS NUMERIC), CAST(this_year.ad_spend AS NUMERIC)), 4) AS blended_roas,
  ROUND(SAFE_DIVIDE(CAST(this_year.net_revenue AS NUMERIC), CAST(this_year.ad_spend AS NUMERIC)), 4) AS mer,
  -- No CAC without ad spend: $0 would read as customers acquired for free, where nothing was measured.
  ROUND(SAFE_DIVIDE(CAST(NULLIF(this_year.ad_spend, 0) AS NUMERIC), CAST(this_year.new_customers AS NUMERIC)), @currency_places) AS cac,
  last_year.days AS last_year_days,
  last_year.orders AS last_year_orders,
  last_year.gross_revenue AS last_year_gross_revenue,
  last_year.net_revenue AS last_year_net_revenue,
  last_year.ad_spend AS last_year_ad_spend,
  ROUND(
    SAFE_DIVIDE(
      CAST(this_year.gross_revenue - last_year.gross_revenue AS NUMERIC), CAST(last_year.gross_revenue AS NUMERIC)
    ),
    4
  ) AS gross_revenue_yoy,
  CAST(
    ROUND(
      SAFE_DIVIDE(CAST(this_year.orders - last_year.orders AS NUMERIC), CAST(last_year.orders AS NUMERIC)),
      4
    ) AS FLOAT64
  ) AS orders_yoy,
  ROUND(
    SAFE_DIVIDE(CAST(this_year.ad_spend - last_year.ad_spend AS NUMERIC), CAST(last_year.ad_spend AS NUMERIC)), 4
  ) AS ad_spend_yoy,
  CAST(
    ROUND(
      SAFE_DIVIDE(
        CAST(this_year.new_customers - last_year.new_customers AS NUMERIC),
        CAST(last_year.new_customers AS NUMERIC)
      ),
      4
    ) AS FLOAT64
  )
    AS new_customers_yoy,
  this_year.incomplete_days
FROM this_year
LEFT JOIN last_year ON last_year.month = this_year.month
