// Builds the models on an in-memory DuckDB from hand-written raw rows, for the SQL fixture tests.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { duckDbCreateRawTable } from "../../functions/adapters/warehouse/duckdb/types.ts";
import { planRun } from "../../functions/cli/plan.ts";
import { runExport } from "../../functions/export/step.ts";
import { latestExtractPath } from "../../functions/lib/bucket-layout.ts";
import { saveFindings } from "../../functions/lib/quality/findings-store.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import type { Logger, Row } from "../../functions/shared/ports.ts";
import { RAW_TABLES, rawTable } from "../../functions/shared/raw-schemas.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext, StepResult } from "../../functions/shared/step.ts";
import { type ModelDefinition, MODELS } from "../../functions/lib/sql/models.ts";
import { runTransform } from "../../functions/transform/step.ts";
import { fixedSecrets } from "./secrets.ts";

export const FIXTURE_PII_KEY = "fixture-key-that-is-long-enough-for-hmac";

export async function openFixtureWarehouse(): Promise<DuckDbWarehouse> {
  const warehouse = await DuckDbWarehouse.open(":memory:");
  await warehouse.rawConnection.run("CREATE SCHEMA IF NOT EXISTS raw");
  for (const table of RAW_TABLES) await warehouse.rawConnection.run(duckDbCreateRawTable("raw", table));
  return warehouse;
}

/** Inserts rows into a raw table; columns not given are NULL, objects and arrays become JSON. */
export async function insertRaw(
  warehouse: DuckDbWarehouse,
  table: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  const schema = rawTable(table);
  await warehouse.load({
    dataset: "raw",
    table,
    columns: schema.columns,
    rows: rows.map((row) => {
      const full: Row = {};
      for (const column of schema.columns) full[column.name] = row[column.name] ?? null;
      return full;
    }),
  });
}

/**
 * A raw paid Shopify order without lines, worth `total` (whole units), placed at 17:00 UTC (midday in New York,
 * the fixture shop's zone) on `day` by `email` and landed that evening: for the tests that count days and months.
 */
export function paidOrderOfDay(id: number, day: string, total: number, email: string) {
  const amount = `${total}.00`;
  return {
    id,
    name: `#${id}`,
    created_at: `${day}T17:00:00Z`,
    updated_at: `${day}T17:00:00Z`,
    currency: "USD",
    financial_status: "paid",
    email,
    subtotal_price: amount,
    total_discounts: "0.00",
    total_tax: "0.00",
    total_price: amount,
    line_items: [],
    refunds: [],
    _airbyte_raw_id: `paid-${id}`,
    _airbyte_extracted_at: `${day}T23:00:00Z`,
  };
}

/** Each order of unified.shopify_unified with its total, the tips and gift cards in it, and its revenue. */
export async function orderRevenue(
  warehouse: DuckDbWarehouse,
): Promise<{ order: number; total: number; tips: number; giftCards: number; revenue: number }[]> {
  const rows = await warehouse.query(
    "SELECT order_id, total_price, tips, gift_card_sales, order_revenue FROM unified.shopify_unified ORDER BY order_id",
    {},
    { label: "fixture order revenue" },
  );
  return rows.map((row) => ({
    order: Number(row.order_id),
    total: Number(row.total_price),
    tips: Number(row.tips),
    giftCards: Number(row.gift_card_sales),
    revenue: Number(row.order_revenue),
  }));
}

/** A day of marts.daily_kpis with orders, its revenue figures as numbers: what a revenue rule changes. */
export interface DailyRevenue {
  date: string;
  orders: number;
  gross: number;
  net: number;
  aov: number;
  newRevenue: number;
}

/** The days with orders in marts.daily_kpis, oldest first. */
export async function dailyRevenue(warehouse: DuckDbWarehouse): Promise<DailyRevenue[]> {
  const rows = await warehouse.query(
    `SELECT CAST(date AS STRING) AS date, orders, gross_revenue, net_revenue, aov, new_customer_revenue
     FROM marts.daily_kpis WHERE orders > 0 ORDER BY date`,
    {},
    { label: "fixture daily revenue" },
  );
  return rows.map((row) => ({
    date: String(row.date),
    orders: Number(row.orders),
    gross: Number(row.gross_revenue),
    net: Number(row.net_revenue),
    aov: Number(row.aov),
    newRevenue: Number(row.new_customer_revenue),
  }));
}

/** Revenue over every day built, as the channels (attributed), the regions and the cohorts sum it. */
export async function revenueByAudience(
  warehouse: DuckDbWarehouse,
): Promise<{ channels: number; regions: number; cohorts: number }> {
  const sum = async (sql: string) =>
    Number((await warehouse.query(sql, {}, { label: "fixture revenue" }))[0]?.revenue);
  return {
    channels: await sum("SELECT SUM(attributed_revenue) AS revenue FROM marts.marketing_daily_channel"),
    regions: await sum("SELECT SUM(revenue) AS revenue FROM marts.geographic_sales"),
    cohorts: await sum("SELECT SUM(revenue) AS revenue FROM unified.customer_cohort_activity"),
  };
}

/**
 * A raw Shopify order of one soap (product 5) for 50.00, landed at `extractedAt`: the hand-made fixtures' order.
 * `extra` adds or replaces raw columns (an email, say).
 */
export function soapOrder<Extra extends object>(
  id: number,
  createdAt: string,
  extractedAt: string,
  extra: Extra = {} as Extra,
) {
  return {
    id,
    name: `#${id}`,
    created_at: createdAt,
    updated_at: createdAt,
    currency: "USD",
    subtotal_price: "50.00",
    total_discounts: "0.00",
    total_tax: "0.00",
    total_price: "50.00",
    line_items: [
      { id: id * 10, product_id: 5, variant_id: 50, sku: "S", title: "Soap", quantity: 1, price: "50.00" },
    ],
    _airbyte_raw_id: `o${id}`,
    _airbyte_extracted_at: extractedAt,
    ...extra,
  };
}

/** A raw Meta Ads day of one ad that spent 30.00 (300 impressions, 9 clicks), landed at `extractedAt`. */
export function metaAdDay(date: string, extractedAt: string) {
  return {
    date_start: date,
    account_id: "1",
    campaign_id: "c1",
    adset_id: "s1",
    ad_id: "a1",
    spend: 30,
    impressions: 300,
    clicks: 9,
    account_currency: "USD",
    _airbyte_extracted_at: extractedAt,
  };
}

/** November 2026's days from the `first` to the `last`, as YYYY-MM-DD. */
export function novemberDays(first: number, last: number): string[] {
  return Array.from(
    { length: last - first + 1 },
    (_, index) => `2026-11-${String(first + index).padStart(2, "0")}`,
  );
}

/** Runs the transform step for a run date: a full build the first time, the trailing window afterwards. */
export async function buildModels(
  warehouse: DuckDbWarehouse,
  runDate: string,
  options: {
    fullRefresh?: boolean;
    lookbackDays?: number;
    env?: Record<string, string>;
    /** The PII hashing key's secret: FIXTURE_PII_KEY unless given. */
    piiKey?: string;
    /** Where the step logs (silent unless given). */
    log?: Logger;
  } = {},
): Promise<StepResult> {
  const config = loadConfig({
    env: { PULSE_LOOKBACK_DAYS: String(options.lookbackDays ?? 7), ...options.env },
    cwd: "/tmp",
  });
  const context = {
    step: "transform",
    message: parseRunMessage({
      runDate,
      runId: "fixture",
      trigger: "manual",
      options: { fullRefresh: options.fullRefresh ?? false },
    }),
    config,
    ports: { warehouse, secrets: fixedSecrets({ piiHashKey: options.piiKey ?? FIXTURE_PII_KEY }) },
    log: options.log ?? silentLogger(),
  } as unknown as StepContext;
  return runTransform(context);
}

/** The lines `plan` prints for a run date on this warehouse (with the settings of `env`), before running it. */
export async function planFixtureRun(
  warehouse: DuckDbWarehouse,
  runDate: string,
  env: Record<string, string> = {},
): Promise<string[]> {
  const bucketDir = await mkdtemp(join(tmpdir(), "pulse-plan-"));
  try {
    return await planRun(
      parseRunMessage({ runDate, runId: "plan", trigger: "manual" }),
      loadConfig({ env, cwd: "/tmp" }),
      {
        warehouse,
        bucket: new FolderBucket(bucketDir),
        secrets: fixedSecrets({ piiHashKey: FIXTURE_PII_KEY }),
      },
    );
  } finally {
    await rm(bucketDir, { recursive: true, force: true });
  }
}

/**
 * For every model ("<layer>.<name>"), how many rows differ between its table as the runs so far left it and as a
 * full rebuild from the same raw data for `runDate` (with the settings of `env`) builds it; the warehouse keeps
 * the rebuilt tables. Floating-point sums depend on the order DuckDB adds them in (a month summed whole or day by
 * day): FLOAT64 columns are compared to 1e-6, everything else exactly.
 */
export async function differencesFromFullRebuild(
  warehouse: DuckDbWarehouse,
  runDate: string,
  options: { env?: Record<string, string> } = {},
): Promise<Record<string, number>> {
  const native = async (sql: string) => (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();
  const kept = (model: ModelDefinition) => `before_rebuild."${model.layer}__${model.name}"`;
  await native("CREATE SCHEMA before_rebuild");
  for (const model of MODELS)
    await native(`CREATE TABLE ${kept(model)} AS SELECT * FROM ${model.layer}."${model.name}"`);
  await buildModels(warehouse, runDate, { fullRefresh: true, env: options.env });
  const differences: Record<string, number> = {};
  for (const model of MODELS) {
    const columns = await native(`
      SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = '${model.layer}' AND table_name = '${model.name}' ORDER BY ordinal_position`);
    const list = columns
      .map((column) =>
        column.data_type === "DOUBLE" ? `round("${column.column_name}", 6)` : `"${column.column_name}"`,
      )
      .join(", ");
    const before = `SELECT ${list} FROM ${kept(model)}`;
    const rebuilt = `SELECT ${list} FROM ${model.layer}."${model.name}"`;
    const [row] = await native(`
      SELECT (SELECT count(*) FROM (${before} EXCEPT ALL ${rebuilt})) +
             (SELECT count(*) FROM (${rebuilt} EXCEPT ALL ${before})) AS n`);
    differences[`${model.layer}.${model.name}`] = Number(row?.n);
  }
  await native("DROP SCHEMA before_rebuild CASCADE");
  return differences;
}

/**
 * Runs the export step for `runDate` on this warehouse (no findings saved for the date yet: none), into a folder
 * bucket under `dir`, and returns the rows of the `extract` it wrote to `extracts/latest/`, every cell as text.
 */
export async function exportedExtractRows(
  warehouse: DuckDbWarehouse,
  options: { dir: string; runDate: string; extract: string; env?: Record<string, string> },
): Promise<Record<string, string>[]> {
  const bucket = new FolderBucket(join(options.dir, "bucket"));
  await saveFindings(warehouse, options.runDate, []);
  await runExport({
    step: "export",
    message: parseRunMessage({
      runDate: options.runDate,
      runId: "fixture",
      trigger: "manual",
      options: { skip: [] },
    }),
    config: loadConfig({ env: options.env ?? {}, cwd: options.dir }),
    ports: { warehouse, bucket },
    log: silentLogger(),
  } as unknown as StepContext);
  return parse(String(await bucket.read(latestExtractPath(options.extract))), { columns: true }) as Record<
    string,
    string
  >[];
}

/** Order-independent fingerprint of every model table, to prove re-runs change nothing. */
export async function tableFingerprints(warehouse: DuckDbWarehouse): Promise<Record<string, string>> {
  const fingerprints: Record<string, string> = {};
  for (const dataset of ["staging", "unified", "marts"]) {
    for (const table of await warehouse.listTables(dataset)) {
      const reader = await warehouse.rawConnection.runAndReadAll(
        `SELECT count(*) AS n, sum(hash(t)) AS h FROM "${dataset}"."${table.name}" AS t`,
      );
      const row = reader.getRowObjectsJS()[0];
      fingerprints[`${dataset}.${table.name}`] = `${row?.n}:${row?.h}`;
    }
  }
  return fingerprints;
}

/**
 * The time budget of a suite that builds every model several times over hand-made raw rows. Such suites ran in
 * under 60 s before; in a CI run on a throttled 2-core machine the source-coverage suite's builds took 8–17 s each
 * and the suite passed 60 s.
 */
export const WHOLE_BUILD_SUITE_TIMEOUT_MS = 180_000;
