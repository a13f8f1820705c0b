-- grain: one row per order (its latest raw version), emails and phones HMAC-hashed
-- key: order_id
-- partition: order_date (day)
-- cluster: order_id
-- materialization: partitions
--
-- One row per Shopify order (the latest version Airbyte landed), for order days in the run window; test orders
-- are left out.
-- PII: email and phone leave this model only as HMAC-SHA256 hashes under the secret key (see docs in README).
-- Built whole, it is sorted by order day, though raw.shopify_orders' landing order is nearly that: DuckDB 1.5.6 writes
-- a query with a hash join (the version choice below) in parallel without keeping its order, one run of rows per
-- thread, and unified.shopify_unified, which keeps this model's order and joins again, then scattered its newest
-- month over 8 to 10 row groups at 3M orders where 2 would do, and was sorted after its build (+20 s). Sorted here,
-- it sits in 4 (2026-12-07). Written unsorted, this model saved 1.2 s at 1M orders.
WITH

order_versions AS (
  -- Only the narrow keys of each raw row: the newest version of every order is chosen on these, and the wide
  -- columns (addresses, customer) are read afterwards for the winners alone. The line items and refunds stay in
  -- raw: their staging models read them from the winning raw row (raw_id), so the wide JSON is never copied.
  SELECT id, updated_at, _airbyte_extracted_at, _airbyte_raw_id
  FROM raw.shopify_orders
  -- A day's rows are extracted after the day began: the raw tables' partition column prunes to the window.
  WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    -- A UTC bound a day wider than the window on each side (time zones are within 14 hours of UTC) is cheap to
    -- check and skips most rows outside the window; the exact local-date condition then decides.
    AND created_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND created_at < TIMESTAMP(DATE_ADD(@window_end, INTERVAL 2 DAY))
    AND (
      -- A time from the window's second day to the start of its last (in UTC) falls on one of its local days in
      -- every time zone, so it needs no conversion: only the edge days pay for the exact local-date condition.
      (
        created_at >= TIMESTAMP(DATE_ADD(@window_start, INTERVAL 1 DAY))
        AND created_at < TIMESTAMP(@window_end)
      )
      OR DATE(created_at, @shop_timezone) BETWEEN @window_start AND @window_end
    )
),

copies_per_version AS (
  -- A sync that lands a batch twice leaves two raw rows of the same order version (same updated_at).
  SELECT id, updated_at, COUNT(*) AS copies
  FROM order_versions
  GROUP BY id, updated_at
),

landed_more_than_once AS (
  -- Most orders were landed once: their one raw row is their latest version. Only the others (about 5 % of the
  -- bench's orders) need choosing, so the choice below ranks and joins those alone, not every order (at 10M
  -- orders a join of every raw row to every order's winner spills: this model took 83 s before, 72 s after).
  -- INT64 on both engines: DuckDB's SUM of INT64 is a 128-bit integer, which it stores and reads far slower.
  SELECT id, MAX(copies) AS raw_copies_of_version, CAST(SUM(copies) AS INT64) AS raw_versions
  FROM copies_per_version
  GROUP BY id
  HAVING SUM(copies) > 1
),

newest_of_several AS (
  -- Airbyte re-lands an order whenever it changes (refunds, fulfilment): the newest extraction wins.
  SELECT order_versions._airbyte_raw_id
  FROM order_versions
  JOIN landed_more_than_once ON landed_more_than_once.id = order_versions.id
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY order_versions.id
    ORDER BY order_versions._airbyte_extracted_at DESC, order_versions.updated_at DESC
  ) = 1
),

latest_version AS (
  SELECT
    raw_orders.*,
    COALESCE(landed_more_than_once.raw_versions, 1) AS raw_versions,
    COALESCE(landed_more_than_once.raw_copies_of_version, 1) AS raw_copies_of_version
  FROM (
    -- The same bounds as order_versions, so that this read of the wide columns prunes as well and reads the
    -- same rows.
    SELECT *
    FROM raw.shopify_orders
    WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
      AND created_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
      AND created_at < TIMESTAMP(DATE_ADD(@window_end, INTERVAL 2 DAY))
      AND (
        (
          created_at >= TIMESTAMP(DATE_ADD(@window_start, INTERVAL 1 DAY))
          AND created_at < TIMESTAMP(@window_end)
        )
        OR DATE(created_at, @shop_timezone) BETWEEN @window_start AND @window_end
      )
  ) AS raw_orders
  LEFT JOIN landed_more_than_once ON landed_more_than_once.id = raw_orders.id
  LEFT JOIN newest_of_several ON newest_of_several._airbyte_raw_id = raw_orders._airbyte_raw_id
  -- An order landed once, or the newest version of one landed several times.
  WHERE (landed_more_than_once.id IS NULL OR newest_of_several._airbyte_raw_id IS NOT NULL)
    -- Shopify's test orders (a checkout tried with the Bogus gateway or in test mode) are no sale: Shopify's own
    -- reports leave them out, and so does every figure here. An export that does not say is no test order.
    AND NOT COALESCE(raw_orders.test, FALSE)
),

utm_channels AS (
  -- The UTM sources (and mediums, where a channel names them) that put an order in a channel: the channel list
  -- (sql/reference/channels.json) as the @channels parameter. No two rules match the same order.
  SELECT
    JSON_VALUE(channel, '$.channel') AS channel,
    JSON_VALUE(utm_rule, '$.source') AS utm_source,
    JSON_VALUE(utm_rule, '$.medium') AS utm_medium
  FROM UNNEST(JSON_QUERY_ARRAY(@channels)) AS channel
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(channel, '$.utm_sources')) AS utm_rule
),

fallback_channels AS (
  SELECT
    MAX(IF(JSON_VALUE(channel, '$.without_utm_source') = 'true', JSON_VALUE(channel, '$.channel'), NULL))
      AS without_utm_source,
    MAX(IF(JSON_VALUE(channel, '$.unmatched_utm_source') = 'true', JSON_VALUE(channel, '$.channel'), NULL))
      AS unmatched_utm_source
  FROM UNNEST(JSON_QUERY_ARRAY(@channels)) AS channel
),

normalised AS (
  SELECT
    id AS order_id,
    CONCAT('#', REGEXP_REPLACE(TRIM(name), r'^#+', '')) AS order_name,
    DATE(created_at, @shop_timezone) AS order_date,
    created_at,
    updated_at,
    SAFE_CAST(JSON_VALUE(customer, '$.id') AS INT64) AS customer_id,
    NULLIF(LOWER(TRIM(COALESCE(email, JSON_VALUE(customer, '$.email')))), '') AS normalised_email,
    NULLIF(REGEXP_REPLACE(COALESCE(phone, ''), r'[^0-9+]', ''), '') AS normalised_phone,
    UPPER(currency) AS currency,
    LOWER(financial_status) AS financial_status,
    cancelled_at IS NOT NULL AS is_cancelled,
    CAST(subtotal_price AS NUMERIC) AS subtotal_price,
    CAST(COALESCE(total_discounts, 0) AS NUMERIC) AS total_discounts,
    CAST(COALESCE(total_tax, 0) AS NUMERIC) AS total_tax,
    COALESCE(SAFE_CAST(JSON_VALUE(total_shipping_price_set, '$.shop_money.amount') AS NUMERIC), 0) AS shipping_price,
    CAST(total_price AS NUMERIC) AS total_price,
    -- Shopify's total_price includes the tips paid with the order (REST Order.total_price: "line item prices,
    -- discounts, shipping, taxes, and tips"; total_tip_received / GraphQL totalTipReceivedSet is "the sum of all
    -- tip amounts"). Absent (an orders export, which has no tip column) is none.
    CAST(COALESCE(total_tip_received, 0) AS NUMERIC) AS tips,
    landing_site,
    REGEXP_EXTRACT(landing_site, r'(?i)[?&]utm_source=([^&#]+)') AS utm_source,
    REGEXP_EXTRACT(landing_site, r'(?i)[?&]utm_medium=([^&#]+)') AS utm_medium,
    REGEXP_EXTRACT(landing_site, r'(?i)[?&]utm_campaign=([^&#]+)') AS utm_campaign,
    UPPER(JSON_VALUE(shipping_address, '$.country_code')) AS country_code,
    UPPER(JSON_VALUE(shipping_address, '$.province_code')) AS region_code,
    _airbyte_raw_id AS raw_id,
    raw_versions,
    raw_copies_of_version,
    _airbyte_extracted_at AS extracted_at
  FROM latest_version
),

utm_decoded AS (
  -- The source and medium read as a browser shows them (a URL writes "paid social" as paid%20social or paid+social),
  -- to match the channel list's: '+' and the escapes of the characters they use are decoded, their hex digits in
  -- either case (%2c is %2C), '%25' last so that an escaped '%' is not decoded twice; only a value holding '%' or
  -- '+' pays for the fifteen replacements. The
  -- campaign stays as the URL writes it: marts.campaign_performance_daily decodes it whole (every UTF-8 escape)
  -- once its orders are summed per day and campaign, a few rows where this model has one per order.
  SELECT
    * EXCEPT (utm_source, utm_medium),
    IF(
      REGEXP_CONTAINS(utm_source, r'[%+]'),
      REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        utm_source, '+', ' '), '%20', ' '), '%2C', ','), '%2c', ','), '%26', '&'), '%2F', '/'), '%2f', '/'), '%3A', ':'),
        '%3a', ':'), '%7C', '|'), '%7c', '|'), '%40', '@'), '%2B', '+'), '%2b', '+'), '%25', '%'),
      utm_source
    ) AS utm_source,
    IF(
      REGEXP_CONTAINS(utm_medium, r'[%+]'),
      REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        utm_medium, '+', ' '), '%20', ' '), '%2C', ','), '%2c', ','), '%26', '&'), '%2F', '/'), '%2f', '/'), '%3A', ':'),
        '%3a', ':'), '%7C', '|'), '%7c', '|'), '%40', '@'), '%2B', '+'), '%2b', '+'), '%25', '%'),
      utm_medium
    ) AS utm_medium
  FROM normalised
),

pseudonymised AS (
  -- Email and phone stop being plaintext here: HMAC-SHA256 hashes under the secret key.
  SELECT
    * EXCEPT (normalised_email, normalised_phone),
    IF(
      normalised_email IS NULL,
      NULL,
      TO_HEX(SHA256(CONCAT(@pii_outer_key, SHA256(CONCAT(@pii_inner_key, CAST(normalised_email AS BYTES))))))
    ) AS email_hash,
    IF(
      normalised_phone IS NULL,
      NULL,
      TO_HEX(SHA256(CONCAT(@pii_outer_key, SHA256(CONCAT(@pii_inner_key, CAST(normalised_phone AS BYTES))))))
    ) AS phone_hash
  FROM utm_decoded
)

SELECT
  pseudonymised.order_id,
  pseudonymised.order_name,
  pseudonymised.order_date,
  pseudonymised.created_at,
  pseudonymised.updated_at,
  pseudonymised.customer_id,
  pseudonymised.email_hash,
  pseudonymised.phone_hash,
  -- The customer as one integer, for numbering each customer's orders over the shop's whole history
  -- (sql/unified/shopify_unified.sql): a daily run then reads 8 bytes of every earlier order, not a 64-character
  -- key. The same person as customer_key: the email hash's first 60 bits (two of a million customers share them
  -- with a chance of about 1 in 2 million), else the Shopify customer id, negated so that the two never meet.
  CASE
    WHEN pseudonymised.email_hash IS NOT NULL THEN CAST(CONCAT('0x', SUBSTR(pseudonymised.email_hash, 1, 15)) AS INT64)
    ELSE -1 - pseudonymised.customer_id
  END AS customer_fingerprint,
  pseudonymised.currency,
  pseudonymised.financial_status,
  pseudonymised.is_cancelled,
  pseudonymised.subtotal_price,
  pseudonymised.total_discounts,
  pseudonymised.total_tax,
  pseudonymised.shipping_price,
  pseudonymised.total_price,
  pseudonymised.tips,
  LOWER(pseudonymised.utm_source) AS utm_source,
  LOWER(pseudonymised.utm_medium) AS utm_medium,
  pseudonymised.utm_campaign,
  CASE
    WHEN pseudonymised.utm_source IS NULL THEN fallback_channels.without_utm_source
    ELSE COALESCE(source_and_medium_rules.channel, source_rules.channel, fallback_channels.unmatched_utm_source)
  END AS channel,
  pseudonymised.country_code,
  pseudonymised.region_code,
  pseudonymised.raw_id,
  pseudonymised.raw_versions,
  pseudonymised.raw_copies_of_version,
  pseudonymised.extracted_at
FROM pseudonymised
CROSS JOIN fallback_channels
-- A rule names a source, or a source and a medium; no two rules match the same order, so at most one of these
-- joins finds one. Two equality joins, not one join on "medium IS NULL OR medium = …", which DuckDB could only
-- run as a nested loop over every order.
LEFT JOIN utm_channels AS source_and_medium_rules
  ON source_and_medium_rules.utm_source = LOWER(pseudonymised.utm_source)
  AND source_and_medium_rules.utm_medium = LOWER(pseudonymised.utm_medium)
LEFT JOIN utm_channels AS source_rules
  ON source_rules.utm_source = LOWER(pseudonymised.utm_source)
  AND source_rules.utm_medium IS NULL
