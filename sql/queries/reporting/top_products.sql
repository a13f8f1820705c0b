-- The run day's top @top_products products by revenue.
SELECT product_title, category, SUM(units) AS units, SUM(orders) AS orders, SUM(revenue) AS revenue
FROM marts.product_daily_sales
WHERE date = @run_date
GROUP BY product_id, product_title, category
ORDER BY revenue DESC, product_title
LIMIT @top_products
