-- The distinct orders in the raw Shopify data: the size the benchmark reports a scale at.
SELECT COUNT(DISTINCT id) AS orders
FROM raw.shopify_orders
