-- grain: one row per month and premium product
-- key: month, product_id
-- partition: month (month)
-- cluster: none
-- materialization: partitions
--
-- One row per month and premium product.
-- Rule: a product is premium when its list price (its highest variant price) is in the top decile of the
-- active catalogue's prices, i.e. at or above the 90th percentile (PERCENTILE_CONT).
WITH

catalogue AS (
  SELECT product_id, product_title, category, list_price
  FROM staging.stg_shopify_products
  WHERE status = 'active' AND list_price IS NOT NULL
),

premium_catalogue AS (
  SELECT *
  FROM (
    SELECT *, PERCENTILE_CONT(list_price, 0.9) OVER () AS premium_threshold
    FROM catalogue
  )
  WHERE list_price >= premium_threshold
),

product_months AS (
  SELECT month, product_id, units, orders, revenue, revenue_share, revenue_rank
  FROM marts.product_performance
  WHERE month BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
)

SELECT
  product_months.month,
  premium_catalogue.product_id,
  premium_catalogue.product_title,
  premium_catalogue.category,
  premium_catalogue.list_price,
  CAST(ROUND(CAST(premium_catalogue.premium_threshold AS NUMERIC), 2) AS FLOAT64) AS premium_threshold,
  product_months.units,
  product_months.orders,
  product_months.revenue,
  product_months.revenue_share,
  product_months.revenue_rank
FROM product_months
JOIN premium_catalogue ON premium_catalogue.product_id = product_months.product_id
