-- grain: one row per refund transaction, dated by its order's day and its own day
-- key: order_id, refund_id, transaction_position
-- partition: order_date (day)
-- cluster: order_id
-- materialization: partitions
--
-- One row per successful refund transaction of an order placed in the run window (from the latest order version).
-- A refund can come weeks after its order: it is dated twice, by the order's day and by its own day. tip_amount is
-- the part of the transaction that gave a tip back: a tip is no sale (unified.shopify_unified leaves it out of
-- revenue), so neither is its refund.
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
),

returned_transactions AS (
  SELECT *
  FROM refund_transactions
  WHERE kind = 'refund'
    -- Money went back only by a successful transaction (a card that declined, or a refund still pending, returned
    -- nothing yet); one without a status (a file drop, rows landed before connectors asked for it) is taken as made.
    AND COALESCE(status, 'success') = 'success'
),

refund_tips AS (
  -- The tips each refund gave back. Shopify's REST order (what Airbyte lands) lists a tip among its line items, the
  -- only lines that carry tip_payment_gateway and tip_payment_method ("present only on tips"), and a refund that
  -- gives it back lists that line among its refund_line_items, the tip returned as the line's subtotal; its
  -- transactions return the tip with the rest, one amount. Neither field set (a tip tendered by no gateway, if
  -- Shopify ever lands one so) reads as a line sold, as does every line of a refund without refund_line_items
  -- (the Shopify connector and a file drop land none).
  SELECT
    orders.order_id,
    SAFE_CAST(JSON_VALUE(refund, '$.id') AS INT64) AS refund_id,
    SUM(
      COALESCE(
        SAFE_CAST(JSON_VALUE(refund_line_item, '$.subtotal_set.shop_money.amount') AS NUMERIC),
        SAFE_CAST(JSON_VALUE(refund_line_item, '$.subtotal') AS NUMERIC)
      )
    ) AS tips
  FROM orders
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(orders.refunds)) AS refund
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(refund, '$.refund_line_items')) AS refund_line_item
  WHERE JSON_VALUE(refund_line_item, '$.line_item.tip_payment_gateway') IS NOT NULL
    OR JSON_VALUE(refund_line_item, '$.line_item.tip_payment_method') IS NOT NULL
  GROUP BY orders.order_id, refund_id
)

SELECT
  returned_transactions.order_id,
  returned_transactions.order_date,
  returned_transactions.refund_id,
  returned_transactions.transaction_position,
  returned_transactions.refunded_at,
  DATE(returned_transactions.refunded_at, @shop_timezone) AS refund_date,
  returned_transactions.amount,
  -- The refund's tips taken from its transactions in order, each giving back what is left of them up to its own
  -- amount: a refund spread over several payments returns its tip once, and one whose money did not go back (its
  -- transactions failed) returned no tip either.
  LEAST(
    returned_transactions.amount,
    GREATEST(
      COALESCE(refund_tips.tips, 0) - COALESCE(
        SUM(returned_transactions.amount) OVER (
          PARTITION BY returned_transactions.order_id, returned_transactions.refund_id
          ORDER BY returned_transactions.transaction_position
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ),
        0
      ),
      0
    )
  ) AS tip_amount
FROM returned_transactions
LEFT JOIN refund_tips
  ON refund_tips.order_id = returned_transactions.order_id
  AND refund_tips.refund_id = returned_transactions.refund_id
