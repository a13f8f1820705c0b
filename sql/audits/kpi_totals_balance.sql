-- Audit (warning): daily KPIs balance: net revenue is gross revenue minus refunds, ad spend and orders equal the sums over channels.
-- Table: marts.daily_kpis
SELECT
  kpis.date,
  kpis.gross_revenue,
  kpis.refunds,
  kpis.net_revenue,
  kpis.ad_spend,
  channels.spend AS channel_spend,
  kpis.orders,
  channels.attributed_orders AS channel_orders
FROM marts.daily_kpis AS kpis
LEFT JOIN (
  SELECT date, SUM(spend) AS spend, SUM(attributed_orders) AS attributed_orders
  FROM marts.marketing_daily_channel
  WHERE date BETWEEN @window_start AND @window_end
  GROUP BY date
) AS channels
  ON channels.date = kpis.date
WHERE kpis.date BETWEEN @window_start AND @window_end
  AND (
    ABS(kpis.net_revenue - (kpis.gross_revenue - kpis.refunds)) > 0.01
    OR ABS(kpis.ad_spend - COALESCE(channels.spend, 0)) > 0.01
    OR kpis.orders != COALESCE(channels.attributed_orders, 0)
  )
