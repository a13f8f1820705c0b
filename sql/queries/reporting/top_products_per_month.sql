-- The top @top_products products by revenue of the previous and the run month. ROW_NUMBER rather than the
-- mart's RANK: ties must not push the row count past its ceiling.
SELECT
  month, product_id, product_title, category, units, orders, revenue, refund_rate, revenue_share, revenue_rank
FROM (
  SELECT
    month, CAST(product_id AS STRING) AS product_id, product_title, category, units, orders, revenue,
    refund_rate, revenue_share, revenue_rank,
    ROW_NUMBER() OVER (PARTITION BY month ORDER BY revenue DESC, product_title) AS position
  FROM marts.product_performance
  WHERE month BETWEEN @previous_month_date AND @run_month_date
)
WHERE position <= @top_products
ORDER BY month, position
