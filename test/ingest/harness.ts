// A file-drop test bench: a real folder bucket and an in-memory DuckDB, the step's ingest of one dropped file,
// and small readers over what it produced.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { BUILTIN_FORMATS } from "../../functions/ingest/builtin-formats.ts";
import { type DropOutcome, ingestDrop } from "../../functions/ingest/file-drop.ts";
import type { FormatSpec } from "../../functions/ingest/format-spec.ts";
import { genericFormat, type Mapping, MappingSchema } from "../../functions/ingest/generic.ts";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { Clock } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";

export const FIXTURES = join(import.meta.dirname, "fixtures");
export const RUN_DATE = "2026-11-21";
export const TIMEZONE = "America/New_York";
/** The morning after the run date in New York. */
export const CLOCK: Clock = { now: () => new Date("2026-11-22T12:00:00Z") };

/** One export of every source: dropped together, every raw table exists (staging reads them all). */
export const EVERY_SOURCE_FIXTURES = [
  "shopify-orders.csv",
  "shopify-customers.csv",
  "shopify-products.csv",
  "google-ads-report.csv",
  "meta-ads-daily.csv",
  "tiktok-ads.csv",
] as const;

/** A mapped wine-shop sales export (the `cave` mapping: French CSV, ';', decimal commas, dd/mm/yyyy) and its file. */
export const SALES_MAPPING = mapping({
  name: "cave",
  delimiter: ";",
  decimalSeparator: ",",
  dateFormat: "dd/mm/yyyy",
  currency: "EUR",
  columns: { orderId: "Facture", date: "Date", amount: "Montant", productTitle: "Produit" },
});
export const salesExport = (...rows: string[]): string =>
  `${["Facture;Date;Produit;Montant", ...rows].join("\r\n")}\r\n`;

export function fixture(name: string): Promise<Buffer> {
  return readFile(join(FIXTURES, name));
}

export function mapping(value: unknown): Mapping {
  return MappingSchema.parse(value);
}

export interface IngestOptions {
  mappings?: Mapping[];
  shopTimezone?: string;
  /** When the drop is ingested (its rows' _airbyte_extracted_at): CLOCK unless told. */
  clock?: Clock;
}

export interface Harness {
  dir: string;
  bucket: FolderBucket;
  warehouse: DuckDbWarehouse;
  ingest(name: string, data: string | Uint8Array, options?: IngestOptions): Promise<DropOutcome>;
  /** Ingests an inbox entry the test put there itself (a symlink, a FIFO). */
  ingestExisting(path: string, options?: IngestOptions): Promise<DropOutcome>;
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "pulse-ingest-"));
  const bucket = new FolderBucket(join(dir, "bucket"));
  const warehouse = await DuckDbWarehouse.open(":memory:");
  const harness: Harness = {
    dir,
    bucket,
    warehouse,
    async ingest(name, data, options = {}) {
      const path = `${INBOX_PREFIX}${name}`;
      await bucket.write(path, data);
      return harness.ingestExisting(path, options);
    },
    async ingestExisting(path, options = {}) {
      const formats: FormatSpec[] = [...BUILTIN_FORMATS, ...(options.mappings ?? []).map(genericFormat)];
      return ingestDrop(
        { warehouse, bucket, clock: options.clock ?? CLOCK, log: silentLogger() },
        {
          runDate: RUN_DATE,
          shopTimezone: options.shopTimezone ?? TIMEZONE,
          shopCurrency: "USD",
          formats,
          chunkSize: 2,
          latestEventDate: "2026-11-23",
        },
        path,
      );
    },
    async rows<T>(sql: string) {
      const reader = await warehouse.rawConnection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as T[];
    },
    async close() {
      await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Export files dropped into a new work dir's inbox and run through ingest and the transform for RUN_DATE, in the
 * shop's time zone TIMEZONE (and the settings of `env`): the warehouse, still open, and the work dir (the caller closes and removes both).
 */
export async function dropThroughTransform(
  runId: string,
  files: Record<string, string | Uint8Array>,
  env: Record<string, string> = {},
): Promise<{ workDir: string; warehouse: DuckDbWarehouse }> {
  const workDir = await mkdtemp(join(tmpdir(), `pulse-${runId}-`));
  const config = loadConfig({
    env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: TIMEZONE, ...env },
    cwd: workDir,
  });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
  const bucket = new FolderBucket(config.local.bucketDir);
  for (const [name, body] of Object.entries(files)) await bucket.write(`${INBOX_PREFIX}${name}`, body);
  const report = await runLocally(
    config,
    parseRunMessage({ runDate: RUN_DATE, runId, trigger: "manual", options: { skip: [], to: "transform" } }),
    { log: silentLogger(), warehouse, clock: CLOCK, secrets: fixedSecrets() },
  );
  if (report.failures.length) {
    throw new Error(`the run failed: ${report.failures.map((failure) => failure.error).join("; ")}`);
  }
  return { workDir, warehouse };
}

/**
 * What the one file of a dropThroughTransform run's inbox came to, from its manifest: its status, format, rows
 * loaded and quarantined, and the decimal separator decided from its amounts.
 */
export async function onlyDropOutcome(workDir: string): Promise<unknown[]> {
  const bucket = new FolderBucket(join(workDir, "bucket"));
  const manifests = (await bucket.list("raw/manifest/")).filter((path) => path.endsWith(".json"));
  if (manifests.length !== 1) throw new Error(`expected one file manifest, found ${manifests.length}`);
  const manifest = JSON.parse(String(await bucket.read(manifests[0] ?? ""))) as Record<string, unknown>;
  return [
    manifest.status,
    manifest.kind,
    manifest.rowsLoaded,
    manifest.rowsQuarantined,
    manifest.decimalSeparator,
  ];
}

/** Each day of a staged ad model, summed: spend and conversion value in cents, impressions, clicks, rows, currency. */
export async function stagedAdDays(
  warehouse: DuckDbWarehouse,
  model: "stg_facebook_ads_insights" | "stg_google_ads_campaign_stats" | "stg_tiktok_ads_reports_daily",
) {
  const rows = await warehouse.query<{
    date: string;
    spend: number;
    impressions: bigint;
    clicks: bigint;
    value: number;
    rows: bigint;
    currency: string;
  }>(
    `SELECT CAST(date AS STRING) AS date, CAST(SUM(spend) AS FLOAT64) AS spend, SUM(impressions) AS impressions,
       SUM(clicks) AS clicks, CAST(SUM(conversion_value) AS FLOAT64) AS value, COUNT(*) AS rows,
       MAX(currency) AS currency
     FROM staging.${model} GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((row) => ({
    date: row.date,
    truth: {
      spendCents: Math.round(row.spend * 100),
      impressions: Number(row.impressions),
      clicks: Number(row.clicks),
      valueCents: Math.round(row.value * 100),
      rows: Number(row.rows),
    },
    currency: row.currency,
  }));
}
