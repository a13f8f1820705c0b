-- Records the days a file drop covers in the meta of every row it landed (all landed at @landed_at). A template:
-- its table slot is the drop's raw table. Bounded on the partition column: the drop's own partition, not history.
UPDATE {{table}}
SET _airbyte_meta = PARSE_JSON(@meta)
WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_at)
  AND JSON_VALUE(_airbyte_meta, '$.sha256') = @sha256
