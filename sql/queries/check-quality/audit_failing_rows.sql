-- How many rows an audit returns (it passes with none). A template: its audit slot takes the audit's own
-- query, a file under sql/audits/ or one generated from a model header (functions/check-quality/audits.ts).
SELECT COUNT(*) AS failing_rows
FROM (
{{audit}}
) AS audit
