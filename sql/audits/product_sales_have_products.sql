-- Audit (warning): every product in marts.product_daily_sales exists in staging.stg_shopify_products.
-- Table: marts.product_daily_sales
-- Column: product_id
-- Products keyed by an order export's SKU or line name (ids from 4e15 up, functions/ingest/format-spec.ts
-- stableId) have no catalogue id to match: they are not judged here.
SELECT sales.product_id, MIN(sales.date) AS first_day, SUM(sales.revenue) AS revenue
FROM marts.product_daily_sales AS sales
LEFT JOIN staging.stg_shopify_products AS products
  ON products.product_id = sales.product_id
WHERE sales.date BETWEEN @window_start AND @window_end
  AND products.product_id IS NULL
  AND sales.product_id < 4000000000000000
GROUP BY sales.product_id
