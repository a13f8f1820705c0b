-- The currencies of the run window's ad rows, with their row counts.
SELECT currency, COUNT(*) AS row_count
FROM unified.ad_performance
WHERE date BETWEEN @window_start AND @window_end
GROUP BY currency
ORDER BY currency
