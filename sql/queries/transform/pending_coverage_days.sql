-- The days whose source coverage a transform found out of date (transform/stale_coverage_days) and has not
-- rebuilt yet (ops.coverage_changes): kept before the rebuild, which makes them undetectable once the coverage is
-- rebuilt, so that a run that crashed before the marts that copy it still rebuilds those days.
SELECT day
FROM ops.coverage_changes
WHERE state = 'pending'
ORDER BY day
