// The benchmark's floor: an independent, hand-written DuckDB implementation of the four outputs people read
// (daily KPIs, channel-day marketing, product-day sales, LTV cohorts), one query per output, straight from the
// same raw DuckDB file, none of the project's SQL, dialect layer or models. tools/bench.ts runs it as a child
// process next to the cold build and checks (tools/bench-compare.ts) that it computes the marts' numbers.
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { peakRssMb, processCpuMs } from "./bench-run.ts";

interface ChannelRule {
  channel: string;
  source?: string;
  utm_sources: { source: string; medium?: string }[];
  without_utm_source?: boolean;
  unmatched_utm_source?: boolean;
}

/** Literal SQL for a string (values here come from our own flags and reference file, not from users). */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

export function baselineSql(timezone: string, runDate: string, channels: ChannelRule[]): string[] {
  const tz = literal(timezone);
  const until = `DATE ${literal(runDate)}`;
  const rules = channels.flatMap((channel, position) =>
    channel.utm_sources.map(
      (rule) =>
        `(${position}, ${literal(channel.channel)}, ${literal(rule.source)}, ${rule.medium ? literal(rule.medium) : "NULL"})`,
    ),
  );
  const withoutUtm = channels.find((channel) => channel.without_utm_source)?.channel ?? "direct_or_organic";
  const unmatched = channels.find((channel) => channel.unmatched_utm_source)?.channel ?? "other";
  const platformChannel = (source: string) =>
    literal(channels.find((channel) => channel.source === source)?.channel ?? source);
  // The orders as the four outputs need them: the latest raw version of each order, its day in the shop's time
  // zone, its revenue (its total less its tips and the gift cards it sold), its customer (normalised email, else Shopify customer
  // id), channel, units and refunds.
  // Each order's newest version is chosen on narrow keys (the id, the extraction and update times, the row),
  // and only the winners' wide columns are read; their line items and refunds are parsed once each, typed, in the
  // same pass. Carrying every version's JSON text through a window and a temporary table, as the first version of
  // this file did, took 7.1–8.0 s at 1M orders where this takes 5.2–5.5 s (2026-12-05, same outputs): the floor
  // must be the fast way, or the ratio to it flatters the pipeline.
  const latestOrders = `
    CREATE TEMP TABLE base_latest AS
    WITH winners AS (
      SELECT arg_max(rowid, struct_pack(extracted := _airbyte_extracted_at, updated := updated_at)) AS winner
      FROM raw.shopify_orders
      GROUP BY id
    ), shaped AS (
      SELECT
        id,
        created_at,
        CAST(timezone(${tz}, created_at) AS DATE) AS day,
        cancelled_at IS NOT NULL AS cancelled,
        -- A tip is inside total_price and no sale (Shopify's total_tip_received; absent is none).
        CAST(total_price AS DECIMAL(18, 2)) - CAST(COALESCE(total_tip_received, 0) AS DECIMAL(18, 2)) AS total,
        COALESCE(
          NULLIF(lower(trim(COALESCE(email, customer->>'$.email'))), ''),
          'customer:' || TRY_CAST(customer->>'$.id' AS BIGINT)
        ) AS customer,
        lower(regexp_extract(landing_site, '[?&]utm_source=([^&#]+)', 1)) AS utm_source,
        lower(regexp_extract(landing_site, '[?&]utm_medium=([^&#]+)', 1)) AS utm_medium,
        -- A tip's line (the lines carrying a tip gateway or method, or the connector's is_tip) is no unit or
        -- product sold.
        list_filter(
          from_json(line_items,
            '[{"product_id":"BIGINT","quantity":"BIGINT","price":"DECIMAL(18,2)","total_discount":"DECIMAL(18,2)","gift_card":"BOOLEAN","tip_payment_gateway":"VARCHAR","tip_payment_method":"VARCHAR","is_tip":"BOOLEAN"}]'),
          line -> line.tip_payment_gateway IS NULL AND line.tip_payment_method IS NULL
            AND NOT COALESCE(line.is_tip, false)
        ) AS lines,
        from_json(refunds,
          '[{"transactions":[{"kind":"VARCHAR","status":"VARCHAR","amount":"DECIMAL(18,2)"}],"refund_line_items":[{"subtotal":"DECIMAL(18,2)","line_item":{"gift_card":"BOOLEAN","tip_payment_gateway":"VARCHAR","tip_payment_method":"VARCHAR","is_tip":"BOOLEAN"}}]}]')
          AS refund_list
      FROM raw.shopify_orders
      WHERE rowid IN (SELECT winner FROM winners)
    )
    SELECT
      * EXCLUDE (refund_list, total),
      -- Revenue leaves out the gift cards an order sold: money owed until spent, as Shopify's reports count them.
      total - COALESCE(list_sum(list_transform(
        list_filter(lines, line -> COALESCE(line.gift_card, false)),
        line -> line.price * line.quantity - COALESCE(line.total_discount, 0)
      )), 0) AS total,
      list_sum(list_transform(lines, line -> line.quantity)) AS units,
      -- Each refund's money returned less the tips and gift cards it gave back (its refund lines of tip lines, the
      -- lines carrying a tip gateway or method or is_tip, and of gift card lines), at most what it returned: neither
      -- is a sale, so neither is its refund.
      list_sum(list_transform(
        list_transform(refund_list, refund -> struct_pack(
          returned := COALESCE(list_sum(list_transform(
            refund.transactions,
            transaction -> CASE
              WHEN transaction.kind = 'refund' AND coalesce(lower(transaction.status), 'success') = 'success'
              THEN transaction.amount
            END
          )), 0),
          non_sales := COALESCE(list_sum(list_transform(
            list_filter(refund.refund_line_items, item ->
              item.line_item.tip_payment_gateway IS NOT NULL OR item.line_item.tip_payment_method IS NOT NULL
              OR COALESCE(item.line_item.is_tip, false) OR COALESCE(item.line_item.gift_card, false)),
            item -> item.subtotal
          )), 0)
        )),
        refund -> refund.returned - least(refund.returned, refund.non_sales)
      )) AS refunded
    FROM shaped
    WHERE day <= ${until}`;
  const lines = `
    CREATE TEMP TABLE base_lines AS
    SELECT id, day, cancelled, unnest(lines, recursive := true)
    FROM base_latest`;
  const orders = `
    CREATE TEMP TABLE base_orders AS
    WITH rules AS (
      -- No two rules match the same order (sql/reference/channels.json).
      SELECT * FROM (VALUES ${rules.join(", ")}) AS rule(position, channel, source, medium)
    )
    SELECT
      o.id, o.created_at, o.day, o.cancelled, o.total, o.customer,
      CASE WHEN o.utm_source IS NULL OR o.utm_source = '' THEN ${literal(withoutUtm)}
        ELSE COALESCE(rules.channel, ${literal(unmatched)}) END AS channel,
      COALESCE(o.units, 0) AS units,
      COALESCE(o.refunded, 0) AS refunded
    FROM base_latest o
    LEFT JOIN rules ON rules.source = o.utm_source AND (rules.medium IS NULL OR rules.medium = o.utm_medium)`;
  const numbered = `
    CREATE TEMP TABLE base_numbered AS
    SELECT *,
      row_number() OVER (PARTITION BY customer ORDER BY created_at, id) AS number,
      CAST(date_trunc('month', min(day) OVER (PARTITION BY customer)) AS DATE) AS cohort
    FROM base_orders
    WHERE NOT cancelled AND customer IS NOT NULL`;
  const spend = `
    CREATE TEMP TABLE base_spend AS
    SELECT day, channel, sum(spend) AS spend FROM (
      SELECT date_start AS day, ${platformChannel("facebook_ads")} AS channel, CAST(spend AS DOUBLE) AS spend
      FROM raw.facebook_ads_insights
      QUALIFY row_number() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) = 1
      UNION ALL
      SELECT CAST(stat_time_day AS DATE), ${platformChannel("tiktok_ads")}, TRY_CAST(metrics->>'$.spend' AS DOUBLE)
      FROM raw.tiktok_ads_reports_daily
      QUALIFY row_number() OVER (PARTITION BY ad_id, CAST(stat_time_day AS DATE) ORDER BY _airbyte_extracted_at DESC) = 1
      UNION ALL
      SELECT segments_date, ${platformChannel("google_ads")}, metrics_cost_micros / 1e6
      FROM raw.google_ads_campaign_stats
      QUALIFY row_number() OVER (PARTITION BY segments_date, campaign_id, ad_group_id ORDER BY _airbyte_extracted_at DESC) = 1
    ) WHERE day <= ${until}
    GROUP BY day, channel`;
  const dailyKpis = `
    CREATE OR REPLACE TABLE base_daily_kpis AS
    WITH shop AS (
      SELECT o.day, count(*) AS orders, COALESCE(sum(o.total), 0) AS gross_revenue,
        COALESCE(sum(o.refunded), 0) AS refunds, sum(o.units) AS units, count(*) FILTER (WHERE n.number = 1) AS new_customers
      FROM base_orders o LEFT JOIN base_numbered n ON n.id = o.id
      WHERE NOT o.cancelled GROUP BY o.day
    ), ads AS (SELECT day, sum(spend) AS ad_spend FROM base_spend GROUP BY day)
    SELECT COALESCE(shop.day, ads.day) AS date, COALESCE(orders, 0) AS orders,
      COALESCE(gross_revenue, 0) AS gross_revenue, COALESCE(refunds, 0) AS refunds,
      COALESCE(gross_revenue, 0) - COALESCE(refunds, 0) AS net_revenue, COALESCE(units, 0) AS units,
      COALESCE(new_customers, 0) AS new_customers, COALESCE(ad_spend, 0) AS ad_spend
    FROM shop FULL OUTER JOIN ads ON ads.day = shop.day`;
  const marketing = `
    CREATE OR REPLACE TABLE base_marketing_channel_day AS
    WITH attributed AS (
      SELECT day, channel, count(*) AS attributed_orders, COALESCE(sum(total), 0) AS attributed_revenue
      FROM base_orders WHERE NOT cancelled GROUP BY day, channel
    )
    SELECT COALESCE(a.day, s.day) AS date, COALESCE(a.channel, s.channel) AS channel,
      COALESCE(s.spend, 0) AS spend, COALESCE(a.attributed_orders, 0) AS attributed_orders,
      COALESCE(a.attributed_revenue, 0) AS attributed_revenue
    FROM attributed a FULL OUTER JOIN base_spend s ON s.day = a.day AND s.channel = a.channel`;
  const products = `
    CREATE OR REPLACE TABLE base_product_day AS
    SELECT day AS date, product_id, sum(quantity) AS units, count(DISTINCT id) AS orders,
      sum(price * quantity - COALESCE(total_discount, 0)) AS revenue
    FROM base_lines
    WHERE NOT cancelled
    GROUP BY ALL`;
  const cohorts = `
    CREATE OR REPLACE TABLE base_ltv_cohorts AS
    WITH months AS (
      SELECT cohort AS cohort_month, date_diff('month', cohort, CAST(date_trunc('month', day) AS DATE)) AS months_since_first_order,
        count(DISTINCT customer) AS active_customers, count(*) AS orders, COALESCE(sum(total), 0) AS revenue
      FROM base_numbered GROUP BY ALL
    )
    SELECT m.*, s.active_customers AS cohort_customers
    FROM months m JOIN months s ON s.cohort_month = m.cohort_month AND s.months_since_first_order = 0`;
  return [latestOrders, lines, orders, numbered, spend, dailyKpis, marketing, products, cohorts];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      database: { type: "string" },
      "run-date": { type: "string" },
      timezone: { type: "string", default: "America/New_York" },
      "memory-limit": { type: "string", default: "600MB" },
      out: { type: "string" },
    },
  });
  const started = performance.now();
  const reference = JSON.parse(await readFile("sql/reference/channels.json", "utf8")) as {
    channels: ChannelRule[];
  };
  const instance = await DuckDBInstance.create(values.database ?? "", {
    memory_limit: values["memory-limit"] ?? "600MB",
  });
  const connection = await instance.connect();
  for (const statement of baselineSql(values.timezone ?? "", values["run-date"] ?? "", reference.channels)) {
    await connection.run(statement);
  }
  await connection.run("CHECKPOINT");
  connection.closeSync();
  instance.closeSync();
  await writeFile(
    values.out ?? "/dev/stdout",
    `${JSON.stringify({ runMs: Math.round(performance.now() - started), peakRssMb: await peakRssMb(), cpuMs: processCpuMs() })}\n`,
  );
}

if (/bench-baseline\.[jt]s$/.test(process.argv[1] ?? "")) await main();
