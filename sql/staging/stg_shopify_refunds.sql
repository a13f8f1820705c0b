-- grain: one row per refund transaction, dated by its order's day and its own day
-- key: order_id, refund_id, transaction_position
-- partition: order_date (day)
-- cluster: order_id
-- materialization: partitions
--
-- One row per successful refund transaction of an order placed in the run window (from the latest order version).
-- A refund can come weeks after its order: it is dated twice, by the order's day and by its own day. tip_amount and
-- gift_card_amount are the parts of the transaction that gave a tip or a gift card back: neither is a sale
-- (unified.shopify_unified leaves both out of revenue), so neither is its refund.
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

gift_card_lines AS (
  -- The order's lines staging judged gift cards: by the line's own gift_card, or for an orders export's line by the
  -- products export (its SKU, else its name). A refund line is judged by the line it gives back, one verdict for the
  -- sale and its return.
  SELECT order_id, line_item_id
  FROM staging.stg_shopify_line_items
  WHERE order_date BETWEEN @window_start AND @window_end
    AND is_gift_card
),

refund_lines AS (
  SELECT
    orders.order_id,
    SAFE_CAST(JSON_VALUE(refund, '$.id') AS INT64) AS refund_id,
    COALESCE(
      SAFE_CAST(JSON_VALUE(refund_line_item, '$.line_item_id') AS INT64),
      SAFE_CAST(JSON_VALUE(refund_line_item, '$.line_item.id') AS INT64)
    ) AS line_item_id,
    COALESCE(
      SAFE_CAST(JSON_VALUE(refund_line_item, '$.subtotal_set.shop_money.amount') AS NUMERIC),
      SAFE_CAST(JSON_VALUE(refund_line_item, '$.subtotal') AS NUMERIC)
    ) AS subtotal,
    -- Shopify's REST order (what Airbyte lands) lists a tip among its line items, the only lines that carry
    -- tip_payment_gateway and tip_payment_method ("present only on tips"); staging leaves them out of its lines.
    -- The Shopify connector marks the line a refund gives back is_tip instead (GraphQL has neither field). No mark
    -- (a tip tendered by no gateway, if Shopify ever lands one so) reads as a line sold.
    (
      JSON_VALUE(refund_line_item, '$.line_item.tip_payment_gateway') IS NOT NULL
      OR JSON_VALUE(refund_line_item, '$.line_item.tip_payment_method') IS NOT NULL
      OR COALESCE(SAFE_CAST(JSON_VALUE(refund_line_item, '$.line_item.is_tip') AS BOOL), FALSE)
    ) AS is_tip
  FROM orders
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(orders.refunds)) AS refund
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(refund, '$.refund_line_items')) AS refund_line_item
),

refund_non_sales AS (
  -- The tips and gift cards each refund gave back: a refund that returns a line lists it among its
  -- refund_line_items, the money returned for it as the line's subtotal; its transactions return it with the rest,
  -- one amount. Every line of a refund without refund_line_items reads as a line sold (a file drop lands none, nor
  -- did the Shopify connector before it asked for them).
  SELECT
    refund_lines.order_id,
    refund_lines.refund_id,
    SUM(IF(refund_lines.is_tip, refund_lines.subtotal, 0)) AS tips,
    SUM(IF(gift_card_lines.line_item_id IS NOT NULL, refund_lines.subtotal, 0)) AS gift_cards
  FROM refund_lines
  LEFT JOIN gift_card_lines
    ON gift_card_lines.order_id = refund_lines.order_id
    AND gift_card_lines.line_item_id = refund_lines.line_item_id
  GROUP BY refund_lines.order_id, refund_lines.refund_id
),

allotted_transactions AS (
  -- The refund's tips, then its gift cards, taken from its transactions in order, each giving back what is left of
  -- them up to its own amount: a refund spread over several payments returns them once, and one whose money did
  -- not go back (its transactions failed) returned none of them either.
  SELECT
    returned_transactions.*,
    COALESCE(refund_non_sales.tips, 0) AS tips,
    COALESCE(refund_non_sales.tips, 0) + COALESCE(refund_non_sales.gift_cards, 0) AS non_sales,
    COALESCE(
      SUM(returned_transactions.amount) OVER (
        PARTITION BY returned_transactions.order_id, returned_transactions.refund_id
        ORDER BY returned_transactions.transaction_position
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ),
      0
    ) AS returned_before
  FROM returned_transactions
  LEFT JOIN refund_non_sales
    ON refund_non_sales.order_id = returned_transactions.order_id
    AND refund_non_sales.refund_id = returned_transactions.refund_id
)

SELECT
  order_id,
  order_date,
  refund_id,
  transaction_position,
  refunded_at,
  DATE(refunded_at, @shop_timezone) AS refund_date,
  amount,
  LEAST(amount, GREATEST(tips - returned_before, 0)) AS tip_amount,
  LEAST(amount, GREATEST(non_sales - returned_before, 0)) - LEAST(amount, GREATEST(tips - returned_before, 0))
    AS gift_card_amount
FROM allotted_transactions
