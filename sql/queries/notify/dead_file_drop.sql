-- What ingest recorded of a file dropped in raw/inbox/ whose start message was dead-lettered
-- (functions/notify/dead-file-drop.ts), so that the email says what became of the file. Ingest records every file
-- it reads, loaded or failed, at the time it read it: a record at or after the drop (the one of the same size
-- first) is this file's. The same export dropped again is skipped as already loaded and recorded no more, so a
-- loaded file of that name and size from before the drop is returned too, after those. One row per file ever
-- dropped: a small table, read whole.
SELECT
  status,
  error,
  received_at,
  received_at >= TIMESTAMP(@dropped_at) AS since_drop
FROM ops.file_drops
WHERE file_name = @file_name
  AND (
    received_at >= TIMESTAMP(@dropped_at)
    OR (status = 'loaded' AND size_bytes = @size_bytes)
  )
ORDER BY since_drop DESC, size_bytes = @size_bytes DESC, received_at
LIMIT 1
