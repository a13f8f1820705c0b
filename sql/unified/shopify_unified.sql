-- grain: one row per order, with customer key, line totals, revenue (gift cards sold and tips aside), refunds (gift cards and tips aside), UTM, first-order flags
-- key: order_id
-- not null: channel, is_cancelled
-- partition: order_date (day)
-- cluster: channel, customer_key
-- materialization: partitions
-- row order: staging.stg_shopify_orders
--
-- One row per Shopify order: the order with its customer key, line-item totals, refunds and UTM attribution,
-- and whether it was the customer's first order. Zero duplicates (audited).
-- The customer's own attributes (sign-up date, marketing consent) stay in staging.stg_shopify_customers, one row
-- per customer, joined on customer_id where needed. Copied onto each order, they were the values of the day the
-- order's partition was last built, and looking them up read every customer the shop has had on every daily run.
WITH

orders_in_window AS (
  SELECT *
  FROM staging.stg_shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
),

line_item_totals AS (
  SELECT
    order_id,
    COUNT(*) AS line_items,
    -- INT64 on both engines: DuckDB's SUM of INT64 is a 128-bit integer, which it stores and reads far slower.
    CAST(SUM(quantity) AS INT64) AS units,
    SUM(line_revenue) AS line_revenue,
    SUM(IF(is_gift_card, line_revenue, 0)) AS gift_card_sales
  FROM staging.stg_shopify_line_items
  WHERE order_date BETWEEN @window_start AND @window_end
  GROUP BY order_id
),

refund_totals AS (
  SELECT
    order_id,
    -- What the refunds took back of the order's revenue: the money returned less the tips and gift cards given
    -- back with it. Neither is revenue (order_revenue below), so their refund is none either: counted, a refunded
    -- $6 tip lowered net revenue by $6 it had never held, and a $50 gift card returned took $50 off an order whose
    -- revenue was its $30 shirt.
    SUM(amount - tip_amount - gift_card_amount) AS refunded_amount,
    SUM(tip_amount) AS refunded_tips,
    SUM(gift_card_amount) AS refunded_gift_cards,
    MIN(refund_date) AS first_refund_date
  FROM staging.stg_shopify_refunds
  WHERE order_date BETWEEN @window_start AND @window_end
  GROUP BY order_id
),

window_customers AS (
  -- Read from staging, not from orders_in_window: a CTE read twice is materialised, a copy of every wide row.
  SELECT DISTINCT customer_fingerprint
  FROM staging.stg_shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
),

customer_order_numbers AS (
  -- First orders need each customer's whole history, not just the window: a narrow scan of 25 bytes an order
  -- (id, time, cancelled, customer), numbered only for the customers who ordered in the window. The same person
  -- is one customer whether they checked out as a guest or logged in: customer_fingerprint is customer_key as an
  -- integer (the hashed email first, the Shopify customer id otherwise; sql/staging/stg_shopify_orders.sql).
  SELECT
    order_id,
    ROW_NUMBER() OVER (PARTITION BY customer_fingerprint ORDER BY created_at, order_id) AS customer_order_number,
    MIN(created_at) OVER (PARTITION BY customer_fingerprint) AS customer_first_order_at
  FROM staging.stg_shopify_orders
  WHERE NOT is_cancelled
    AND customer_fingerprint IN (SELECT customer_fingerprint FROM window_customers)
)

SELECT
  orders_in_window.order_id,
  orders_in_window.order_name,
  orders_in_window.order_date,
  orders_in_window.created_at,
  orders_in_window.customer_id,
  -- The hashed email when the order has one (then the same as staging's email_hash, not copied: 64 characters an
  -- order), else the Shopify customer id.
  COALESCE(orders_in_window.email_hash, CONCAT('customer:', CAST(orders_in_window.customer_id AS STRING)))
    AS customer_key,
  orders_in_window.customer_fingerprint,
  customer_order_numbers.customer_order_number,
  DATE(customer_order_numbers.customer_first_order_at, @shop_timezone) AS customer_first_order_date,
  COALESCE(customer_order_numbers.customer_order_number = 1, FALSE) AS is_first_order,
  COALESCE(customer_order_numbers.customer_order_number > 1, FALSE) AS is_returning_customer,
  orders_in_window.currency,
  orders_in_window.financial_status,
  orders_in_window.is_cancelled,
  COALESCE(line_item_totals.line_items, 0) AS line_items,
  COALESCE(line_item_totals.units, 0) AS units,
  COALESCE(line_item_totals.line_revenue, 0) AS line_revenue,
  orders_in_window.subtotal_price,
  orders_in_window.total_discounts,
  orders_in_window.total_tax,
  orders_in_window.shipping_price,
  orders_in_window.total_price,
  COALESCE(line_item_totals.gift_card_sales, 0) AS gift_card_sales,
  orders_in_window.tips,
  -- What the order sold: Shopify's total less the gift cards in it and the tips paid with it. A gift card sold is
  -- money the shop owes until it is spent, and the order that spends it counts in full, as Shopify's sales reports
  -- count them: with the gift card in both, a $50 card bought and spent was $100 of revenue. A tip is the staff's
  -- (checkout or POS tipping), not a sale: Shopify's gross and net sales leave it out, while its total_price holds
  -- it. Every revenue figure sums this column.
  orders_in_window.total_price - COALESCE(line_item_totals.gift_card_sales, 0) - orders_in_window.tips
    AS order_revenue,
  COALESCE(refund_totals.refunded_amount, 0) AS refunded_amount,
  COALESCE(refund_totals.refunded_tips, 0) AS refunded_tips,
  COALESCE(refund_totals.refunded_gift_cards, 0) AS refunded_gift_cards,
  refund_totals.first_refund_date,
  orders_in_window.utm_source,
  orders_in_window.utm_medium,
  orders_in_window.utm_campaign,
  orders_in_window.channel,
  orders_in_window.country_code,
  orders_in_window.region_code,
  orders_in_window.raw_versions,
  orders_in_window.raw_copies_of_version
-- The window's orders drive every join: their rows come out in staging's order_date order (the header's row order).
FROM orders_in_window
LEFT JOIN line_item_totals ON line_item_totals.order_id = orders_in_window.order_id
LEFT JOIN refund_totals ON refund_totals.order_id = orders_in_window.order_id
LEFT JOIN customer_order_numbers ON customer_order_numbers.order_id = orders_in_window.order_id
