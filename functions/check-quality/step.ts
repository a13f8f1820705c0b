// Step 4: after the build, test the data and look for what a founder would want to know before reading it.
import { addDays } from "../shared/dates.ts";
import type { Finding } from "../shared/findings.ts";
import { saveFindings } from "../shared/findings-store.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { modelParams, runWindow } from "../transform/step.ts";
import { loadAudits } from "./audits.ts";
import { attributionFindings, type ChannelWindowRow, dropFinding, PAID_CHANNELS } from "./rules.ts";

/** The attribution check looks at this many days up to the run date. */
export const ATTRIBUTION_WINDOW_DAYS = 7;
/** Duplicate raw batches are looked for over this many days (they are removed in staging either way). */
export const DUPLICATE_WINDOW_DAYS = 35;

export async function runCheckQuality(context: StepContext): Promise<StepResult> {
  const { warehouse } = context.ports;
  const { runDate } = context.message;
  const findings: Finding[] = [];
  const add = (partial: Omit<Finding, "step">) => findings.push({ step: "check-quality", ...partial });
  const params = modelParams(context, runWindow(runDate, context.config.lookbackDays));
  const money = new Intl.NumberFormat(context.config.shop.locale, {
    style: "currency",
    currency: context.config.shop.currency,
    maximumFractionDigits: 0,
  });

  const audits = loadAudits();
  for (const audit of audits) {
    const failures = await warehouse.query(
      `SELECT COUNT(*) AS failing_rows FROM (${audit.sql}) AS audit`,
      params,
      {
        label: `audit ${audit.name}`,
      },
    );
    const failing = Number(failures[0]?.failing_rows ?? 0);
    if (failing > 0) {
      add({
        check: `audit_${audit.name}`,
        severity: audit.blocking ? "critical" : "warning",
        blocking: audit.blocking,
        subject: audit.name,
        observed: failing,
        expected: "0 rows",
        message: `Audit failed: ${audit.description.replace(/\.$/, "")} (${failing} offending row${failing === 1 ? "" : "s"}).`,
      });
    }
  }

  const attributionRows = await warehouse.query<ChannelWindowRow>(
    `SELECT
       channel,
       COUNTIF(spend > 0) AS days_with_spend,
       COUNTIF(spend > 0 AND attributed_revenue = 0) AS days_spend_without_revenue,
       SUM(IF(spend > 0 AND attributed_revenue = 0, spend, 0)) AS spend_without_revenue,
       MIN(IF(spend > 0 AND attributed_revenue = 0, date, NULL)) AS first_day,
       MAX(IF(spend > 0 AND attributed_revenue = 0, date, NULL)) AS last_day
     FROM marts.marketing_daily_channel
     WHERE date BETWEEN @window_start AND @run_date
       AND channel IN (${PAID_CHANNELS.map((channel) => `'${channel}'`).join(", ")})
     GROUP BY channel
     ORDER BY channel`,
    { window_start: addDays(runDate, -(ATTRIBUTION_WINDOW_DAYS - 1)), run_date: runDate },
    { label: "attribution by channel" },
  );
  for (const item of attributionFindings(attributionRows, ATTRIBUTION_WINDOW_DAYS, (value) =>
    money.format(value),
  ))
    add(item);

  const [nulls] = await warehouse.query<{
    orders_missing_value: number;
    days: number;
    first_day: string | null;
    last_day: string | null;
  }>(
    `SELECT
       COALESCE(SUM(orders_missing_value), 0) AS orders_missing_value,
       COUNTIF(orders_missing_value > 0) AS days,
       MIN(IF(orders_missing_value > 0, date, NULL)) AS first_day,
       MAX(IF(orders_missing_value > 0, date, NULL)) AS last_day
     FROM marts.daily_kpis WHERE date BETWEEN @window_start AND @window_end`,
    params,
    { label: "null order values" },
  );
  if ((nulls?.orders_missing_value ?? 0) > 0) {
    add({
      check: "null_order_values",
      severity: "warning",
      blocking: false,
      subject: "shopify_orders.total_price",
      table: "unified.shopify_unified",
      column: "total_price",
      observed: nulls?.orders_missing_value ?? 0,
      expected: "0",
      message: `${nulls?.orders_missing_value} Shopify orders placed between ${nulls?.first_day} and ${nulls?.last_day} have no order value (total_price is NULL); revenue and AOV leave them out.`,
    });
  }

  const duplicates = await warehouse.query<{ order_date: string; orders: number }>(
    `SELECT order_date, COUNT(*) AS orders
     FROM staging.stg_shopify_orders
     WHERE order_date BETWEEN @duplicate_start_date AND @run_date AND raw_copies_of_version > 1
     GROUP BY order_date ORDER BY order_date`,
    { duplicate_start_date: addDays(runDate, -DUPLICATE_WINDOW_DAYS), run_date: runDate },
    { label: "duplicated raw batches" },
  );
  for (const batch of duplicates) {
    add({
      check: "duplicated_raw_batch",
      severity: "warning",
      blocking: false,
      subject: `shopify_orders ${batch.order_date}`,
      table: "raw.shopify_orders",
      observed: batch.orders,
      expected: "0 duplicated orders",
      message: `A batch of ${batch.orders} Shopify orders from ${batch.order_date} landed twice in the raw data; the copies were removed in staging and counted once.`,
    });
  }

  const levels = await warehouse.query<{ date: string; orders: number; gross_revenue: number }>(
    `SELECT date, orders, gross_revenue FROM marts.daily_kpis
     WHERE date BETWEEN @history_start_date AND @run_date
       AND MOD(DATE_DIFF(@run_date, date, DAY), 7) = 0
     ORDER BY date`,
    { history_start_date: addDays(runDate, -7 * 8), run_date: runDate },
    { label: "same-weekday levels" },
  );
  const today = levels.find((row) => row.date === runDate);
  if (today) {
    const history = levels.filter((row) => row.date !== runDate);
    for (const metric of ["orders", "gross_revenue"] as const) {
      const drop = dropFinding(
        { metric, observed: today[metric], history: history.map((row) => row[metric]) },
        runDate,
      );
      if (drop) add(drop);
    }
  }

  const allFindings = [
    ...(await context.ledger.findings(runDate)).filter((item) => item.step !== "check-quality"),
    ...findings,
  ];
  await saveFindings(warehouse, runDate, allFindings);
  const blocking = findings.filter((item) => item.blocking);
  return {
    findings,
    metrics: { audits: audits.length, findings: findings.length, blocking: blocking.length },
    blocked: blocking.length > 0,
    summary: blocking.length
      ? `blocking: ${blocking.map((item) => item.message).join(" ")}`
      : `${audits.length} audits passed or warned; ${findings.length} findings`,
  };
}
