-- Each product's units and revenue over the report's period to date, the same days of the period before and
-- the same days a year earlier (marts.product_daily_sales), for the products that matter: the top
-- @top_products by revenue now, and the @top_products that moved most against each base. Bounded by the ranks.
WITH

product_days AS (
  SELECT date, CAST(product_id AS STRING) AS product_id, product_title, category, units, revenue
  FROM marts.product_daily_sales
  WHERE date BETWEEN @current_from_date AND @current_to_date
    OR date BETWEEN @previous_from_date AND @previous_to_date
    OR date BETWEEN @last_year_from_date AND @last_year_to_date
),

per_product AS (
  SELECT
    product_id,
    MAX(product_title) AS product_title,
    MAX(category) AS category,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, units, 0)) AS current_units,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, revenue, 0)) AS current_revenue,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, revenue, 0)) AS previous_revenue,
    SUM(IF(date BETWEEN @last_year_from_date AND @last_year_to_date, revenue, 0)) AS last_year_revenue
  FROM product_days
  GROUP BY product_id
),

ranked AS (
  SELECT
    *,
    ROW_NUMBER() OVER (ORDER BY current_revenue DESC, product_title) AS revenue_position,
    ROW_NUMBER() OVER (ORDER BY ABS(current_revenue - previous_revenue) DESC, product_title) AS previous_position,
    ROW_NUMBER() OVER (ORDER BY ABS(current_revenue - last_year_revenue) DESC, product_title) AS last_year_position
  FROM per_product
)

SELECT
  product_id, product_title, category, current_units, current_revenue, previous_revenue, last_year_revenue,
  revenue_position
FROM ranked
WHERE revenue_position <= @top_products
  OR previous_position <= @top_products
  OR last_year_position <= @top_products
ORDER BY revenue_position
