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
    -- A NUMERIC percentile, so that BigQuery interpolates the NUMERIC prices exactly as DuckDB does: with the
    -- FLOAT64 literal 0.9 it interpolates in binary, and a threshold landing on a price (24.50) comes out a hair
    -- above it (24.500000000000018), which leaves that product out on BigQuery only.
    SELECT *, PERCENTILE_CONT(list_price, CAST(0.9 AS NUMERIC)) OVER () AS premium_threshold
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
  CAST(ROUND(premium_catalogue.premium_threshold, 2) AS FLOAT64) AS premium_threshold,
  product_months.units,
  product_months.orders,
  product_months.revenue,
  product_months.revenue_share,
  product_months.revenue_rank
FROM product_months
JOIN premium_catalogue ON premium_catalogue.product_id = product_months.product_id
