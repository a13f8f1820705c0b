-- The days of history each ads connector still owes, by account (ops.connector_history_owed, which ingest rewrites
-- after each pull: a few ranges), for unified.source_coverage: until a connector's history lands, a day of it
-- without a row is not a day of no spend.
SELECT source, account_id, CAST(owed_start AS STRING) AS owed_start, CAST(owed_end AS STRING) AS owed_end
FROM ops.connector_history_owed
ORDER BY source, account_id, owed_start
