-- The newest order day in the raw Shopify orders (the shop's time zone): the default run date of a demo run.
SELECT MAX(DATE(created_at, @shop_timezone)) AS last_day
FROM raw.shopify_orders
