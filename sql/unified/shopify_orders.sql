-- Grain: one row per Shopify order, with the customer's identity and whether it was their first order.
WITH

orders_in_window AS (
  SELECT *
  FROM staging.stg_shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
),

customer_history AS (
  -- First orders need all of a customer's history, not just the window: a narrow scan of two columns.
  SELECT
    order_id,
    ROW_NUMBER() OVER (PARTITION BY customer_key ORDER BY created_at, order_id) AS customer_order_number
  FROM (
    SELECT
      order_id,
      created_at,
      COALESCE(email_hash, CONCAT('customer:', CAST(customer_id AS STRING))) AS customer_key
    FROM staging.stg_shopify_orders
    WHERE NOT is_cancelled
  )
  WHERE customer_key IS NOT NULL
)

SELECT
  orders_in_window.order_id,
  orders_in_window.order_name,
  orders_in_window.order_date,
  orders_in_window.created_at,
  orders_in_window.customer_id,
  COALESCE(orders_in_window.email_hash, CONCAT('customer:', CAST(orders_in_window.customer_id AS STRING)))
    AS customer_key,
  orders_in_window.email_hash,
  customer_history.customer_order_number,
  COALESCE(customer_history.customer_order_number = 1, FALSE) AS is_first_order,
  customer_history.customer_order_number > 1 AS is_returning_customer,
  orders_in_window.currency,
  orders_in_window.financial_status,
  orders_in_window.is_cancelled,
  orders_in_window.subtotal_price,
  orders_in_window.total_discounts,
  orders_in_window.total_tax,
  orders_in_window.shipping_price,
  orders_in_window.total_price,
  orders_in_window.refunded_amount,
  orders_in_window.utm_source,
  orders_in_window.utm_medium,
  orders_in_window.utm_campaign,
  orders_in_window.channel,
  orders_in_window.country_code,
  orders_in_window.region_code,
  orders_in_window.raw_versions,
  orders_in_window.raw_copies_of_version
FROM orders_in_window
LEFT JOIN customer_history ON customer_history.order_id = orders_in_window.order_id
