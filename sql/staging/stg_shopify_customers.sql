-- grain: one row per customer (latest version), hashed email and phone, no names
-- key: customer_id
-- partition: none
-- cluster: customer_id
-- materialization: merge
--
-- One row per Shopify customer (the latest version Airbyte landed). Incremental runs return only the
-- customers landed since the window opened; the transform merges them by customer_id.
-- PII: email and phone leave this model only as HMAC-SHA256 hashes; names are dropped.
WITH

customer_versions AS (
  -- Only the narrow keys of each raw row: the newest version of every customer is chosen on these, and the wide
  -- columns are read afterwards for the winners alone (as staging.stg_shopify_orders does).
  SELECT id, updated_at, _airbyte_extracted_at, _airbyte_raw_id
  FROM raw.shopify_customers
  -- No upper bound: the run date's records land the morning after it. The partition column stands alone in the
  -- filter so that BigQuery prunes the raw table's partitions (DATE(column) would scan all history).
  WHERE _airbyte_extracted_at >= TIMESTAMP(@window_start)
),

landed_more_than_once AS (
  -- Most customers in the window were landed once, and their one raw row is their latest version: only the
  -- others are ranked below. Ranking every raw row with its wide columns took most of this model's time.
  SELECT id
  FROM customer_versions
  GROUP BY id
  HAVING COUNT(*) > 1
),

newest_of_several AS (
  -- Airbyte re-lands a customer whenever it changes (a new order, an edited address): the newest extraction wins.
  SELECT customer_versions._airbyte_raw_id
  FROM customer_versions
  JOIN landed_more_than_once ON landed_more_than_once.id = customer_versions.id
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY customer_versions.id
    ORDER BY customer_versions._airbyte_extracted_at DESC, customer_versions.updated_at DESC
  ) = 1
),

latest_customers AS (
  SELECT raw_customers.*
  FROM raw.shopify_customers AS raw_customers
  LEFT JOIN landed_more_than_once ON landed_more_than_once.id = raw_customers.id
  LEFT JOIN newest_of_several ON newest_of_several._airbyte_raw_id = raw_customers._airbyte_raw_id
  -- The same bound as customer_versions, so that this read of the wide columns prunes as well.
  WHERE raw_customers._airbyte_extracted_at >= TIMESTAMP(@window_start)
    -- A customer landed once, or the newest version of one landed several times.
    AND (landed_more_than_once.id IS NULL OR newest_of_several._airbyte_raw_id IS NOT NULL)
),

normalised AS (
  SELECT
    id AS customer_id,
    NULLIF(LOWER(TRIM(email)), '') AS normalised_email,
    NULLIF(REGEXP_REPLACE(COALESCE(phone, ''), r'[^0-9+]', ''), '') AS normalised_phone,
    created_at,
    updated_at,
    COALESCE(orders_count, 0) AS orders_count,
    CAST(COALESCE(total_spent, 0) AS NUMERIC) AS total_spent,
    UPPER(currency) AS currency,
    COALESCE(accepts_marketing, FALSE) AS accepts_marketing,
    UPPER(JSON_VALUE(default_address, '$.country_code')) AS country_code,
    UPPER(JSON_VALUE(default_address, '$.province_code')) AS region_code
  FROM latest_customers
)

SELECT
  customer_id,
  IF(
    normalised_email IS NULL,
    NULL,
    TO_HEX(SHA256(CONCAT(@pii_outer_key, SHA256(CONCAT(@pii_inner_key, CAST(normalised_email AS BYTES))))))
  ) AS email_hash,
  IF(
    normalised_phone IS NULL,
    NULL,
    TO_HEX(SHA256(CONCAT(@pii_outer_key, SHA256(CONCAT(@pii_inner_key, CAST(normalised_phone AS BYTES))))))
  ) AS phone_hash,
  created_at,
  updated_at,
  orders_count,
  total_spent,
  currency,
  accepts_marketing,
  country_code,
  region_code
FROM normalised
