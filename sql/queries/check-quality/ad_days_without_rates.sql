-- The run window's days on which an ad account's spend is in another currency than the shop's and no exchange
-- rate converts it (unified.ad_performance's fx_rate is NULL): one row per platform, account, currency and day,
-- with the account's spend that day in its own currency.
SELECT
  platform,
  account_id,
  account_currency,
  CAST(date AS STRING) AS date,
  SUM(account_spend) AS account_spend
FROM unified.ad_performance
WHERE date BETWEEN @window_start AND @window_end
  AND fx_rate IS NULL
GROUP BY platform, account_id, account_currency, date
ORDER BY platform, account_id, account_currency, date
