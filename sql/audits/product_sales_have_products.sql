-- Audit (warning): every product in marts.product_daily_sales exists in staging.stg_shopify_products.
-- Table: marts.product_daily_sales
-- Column: product_id
SELECT sales.product_id, MIN(sales.date) AS first_day, SUM(sales.revenue) AS revenue
FROM marts.product_daily_sales AS sales
LEFT JOIN staging.stg_shopify_products AS products
  ON products.product_id = sales.product_id
WHERE sales.date BETWEEN @window_start AND @window_end
  AND products.product_id IS NULL
GROUP BY sales.product_id
