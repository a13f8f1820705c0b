-- grain: one row per refund transaction, dated by its order's day and its own day
-- key: order_id, refund_id, transaction_position
-- partition: order_date (day)
-- cluster: order_id
-- materialization: partitions
--
-- One row per successful refund transaction of an order placed in the run window (from the latest order version).
-- A refund can come weeks after its order: it is dated twice, by the order's day and by its own day.
WITH

staged_orders AS (
  SELECT order_id, order_date, raw_id
  FROM staging.stg_shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
),

raw_refunds AS (
  -- The refunds of the order version staging chose (its raw row), with staging's bounds on raw so that the raw
  -- table's partitions prune the same way.
  SELECT _airbyte_raw_id AS raw_id, refunds
  FROM raw.shopify_orders
  WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND created_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND created_at < TIMESTAMP(DATE_ADD(@window_end, INTERVAL 2 DAY))
    -- Most orders have none: matching only the others keeps the join small (at 10M orders it held every order's
    -- raw id in memory, 2.4 s → 1.3 s).
    AND TO_JSON_STRING(refunds) != '[]'
),

orders AS (
  SELECT staged_orders.order_id, staged_orders.order_date, raw_refunds.refunds
  FROM staged_orders
  JOIN raw_refunds ON raw_refunds.raw_id = staged_orders.raw_id
),

refund_transactions AS (
  SELECT
    orders.order_id,
    orders.order_date,
    SAFE_CAST(JSON_VALUE(refund, '$.id') AS INT64) AS refund_id,
    SAFE_CAST(JSON_VALUE(refund, '$.created_at') AS TIMESTAMP) AS refunded_at,
    SAFE_CAST(JSON_VALUE(refund_transaction, '$.amount') AS NUMERIC) AS amount,
    JSON_VALUE(refund_transaction, '$.kind') AS kind,
    LOWER(JSON_VALUE(refund_transaction, '$.status')) AS status,
    transaction_position
  FROM orders
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(orders.refunds)) AS refund
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(refund, '$.transactions')) AS refund_transaction WITH OFFSET AS transaction_position
)

SELECT
  order_id,
  order_date,
  refund_id,
  transaction_position,
  refunded_at,
  DATE(refunded_at, @shop_timezone) AS refund_date,
  amount
FROM refund_transactions
WHERE kind = 'refund'
  -- Money went back only by a successful transaction (a card that declined, or a refund still pending, returned
  -- nothing yet); one without a status (a file drop, rows landed before connectors asked for it) is taken as made.
  AND COALESCE(status, 'success') = 'success'
