-- Each channel's spend, attributed orders and attributed revenue over the report's period to date, the same
-- days of the period before and the same days a year earlier (marts.marketing_daily_channel): the takeaways'
-- channel movements, like for like. A day whose platform had not landed adds no spend (NULL), as in the mart.
WITH

channel_days AS (
  SELECT date, channel, COALESCE(spend, 0) AS spend, attributed_orders, attributed_revenue
  FROM marts.marketing_daily_channel
  WHERE date BETWEEN @current_from_date AND @current_to_date
    OR date BETWEEN @previous_from_date AND @previous_to_date
    OR date BETWEEN @last_year_from_date AND @last_year_to_date
),

per_channel AS (
  SELECT
    channel,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, spend, 0)) AS current_spend,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, spend, 0)) AS previous_spend,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, attributed_orders, 0)) AS current_orders,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, attributed_orders, 0)) AS previous_orders,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, attributed_revenue, 0)) AS current_revenue,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, attributed_revenue, 0)) AS previous_revenue,
    SUM(IF(date BETWEEN @last_year_from_date AND @last_year_to_date, attributed_revenue, 0)) AS last_year_revenue,
    COUNTIF(date BETWEEN @last_year_from_date AND @last_year_to_date) AS last_year_days
  FROM channel_days
  GROUP BY channel
)

SELECT
  channel, current_spend, previous_spend, current_orders, previous_orders, current_revenue, previous_revenue,
  last_year_revenue, last_year_days
FROM per_channel
ORDER BY channel
