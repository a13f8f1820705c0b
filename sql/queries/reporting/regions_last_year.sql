-- The same month a year earlier for the run month's top @top_regions regions (marts.geographic_sales), and
-- the run month's and the year-ago month's revenue over every region: the regions' year on year.
WITH

run_month AS (
  SELECT
    country_code, region_code,
    ROW_NUMBER() OVER (ORDER BY revenue DESC, country_code, region_code) AS position
  FROM marts.geographic_sales
  WHERE month = @run_month_date
),

top_regions AS (
  SELECT country_code, region_code
  FROM run_month
  WHERE position <= @top_regions
),

last_year AS (
  SELECT
    month, country_code, region_code, orders, revenue, customers, aov,
    SUM(revenue) OVER (PARTITION BY month) AS month_revenue
  FROM marts.geographic_sales
  WHERE month = @last_year_month_date
)

SELECT
  last_year.month, last_year.country_code, last_year.region_code, last_year.orders, last_year.revenue,
  last_year.customers, last_year.aov, last_year.month_revenue
FROM last_year
JOIN top_regions
  ON top_regions.country_code = last_year.country_code AND top_regions.region_code = last_year.region_code
ORDER BY last_year.revenue DESC, last_year.country_code, last_year.region_code
