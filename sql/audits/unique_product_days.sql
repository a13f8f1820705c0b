-- Audit (blocking): marts.product_daily_sales has exactly one row per day and product.
-- Table: marts.product_daily_sales
-- Column: product_id
SELECT date, product_id, COUNT(*) AS copies
FROM marts.product_daily_sales
WHERE date BETWEEN @window_start AND @window_end
GROUP BY date, product_id
HAVING COUNT(*) > 1
