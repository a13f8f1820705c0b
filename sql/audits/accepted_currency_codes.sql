-- Audit (warning): currencies are three-letter ISO 4217 codes on orders and ad rows.
-- Table: unified.shopify_unified
-- Column: currency
SELECT 'unified.shopify_unified' AS table_name, currency, COUNT(*) AS rows_with_currency
FROM unified.shopify_unified
WHERE order_date BETWEEN @window_start AND @window_end
  AND (currency IS NULL OR NOT REGEXP_CONTAINS(currency, r'^[A-Z]{3}$'))
GROUP BY currency
UNION ALL
-- An ad row's own currency is its account's (its currency column is the shop's, converted to).
SELECT 'unified.ad_performance' AS table_name, account_currency AS currency, COUNT(*) AS rows_with_currency
FROM unified.ad_performance
WHERE date BETWEEN @window_start AND @window_end
  AND (account_currency IS NULL OR NOT REGEXP_CONTAINS(account_currency, r'^[A-Z]{3}$'))
GROUP BY account_currency
