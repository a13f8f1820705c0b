-- Removes what attempts at the same file landed (a retry after a crash, or a file that failed): its rows, all
-- landed at an attempt's time, none before @landed_since (the first attempt's). A template: its table slot is the
-- drop's raw table. Bounded on the partition column, so that a drop does not read the shop's history.
DELETE FROM {{table}}
WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@landed_since), INTERVAL 1 DAY)
  AND JSON_VALUE(_airbyte_meta, '$.sha256') = @sha256
