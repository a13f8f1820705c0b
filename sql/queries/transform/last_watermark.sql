-- The watermark of the newest run date's successful transform (ops.transform_watermarks).
SELECT CAST(run_date AS STRING) AS run_date, watermark
FROM ops.transform_watermarks
ORDER BY run_date DESC
LIMIT 1
