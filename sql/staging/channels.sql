-- grain: one row per marketing channel
-- key: channel
-- partition: none
-- cluster: none
-- materialization: full
--
-- The reference list of channels that the models and audits join to. The list itself is
-- sql/reference/channels.json, bound as the @channels parameter (functions/lib/sql/channels.ts).
SELECT
  JSON_VALUE(channel, '$.channel') AS channel,
  JSON_VALUE(channel, '$.label') AS label,
  JSON_VALUE(channel, '$.source') AS source,
  JSON_VALUE(channel, '$.source_label') AS source_label,
  JSON_VALUE(channel, '$.is_paid_channel') = 'true' AS is_paid_channel
FROM UNNEST(JSON_QUERY_ARRAY(@channels)) AS channel
