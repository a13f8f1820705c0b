-- The currencies of the run window's orders, with their row counts.
SELECT currency, COUNT(*) AS row_count
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
GROUP BY currency
ORDER BY currency
