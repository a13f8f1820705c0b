-- The top @top_regions regions by revenue of the previous and the run month, with the month's revenue.
SELECT month, country_code, region_code, orders, revenue, customers, aov, month_revenue
FROM (
  SELECT
    month, country_code, region_code, orders, revenue, customers, aov,
    SUM(revenue) OVER (PARTITION BY month) AS month_revenue,
    ROW_NUMBER() OVER (PARTITION BY month ORDER BY revenue DESC, country_code, region_code) AS position
  FROM marts.geographic_sales
  WHERE month BETWEEN @previous_month_date AND @run_month_date
)
WHERE position <= @top_regions
ORDER BY month, position
