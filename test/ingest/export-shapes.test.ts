// Export shapes that used to lose money, hand-made (test/ingest/fixtures/shapes/), through ingest → transform:
// every day's orders, revenue, spend and ROAS in the marts equal totals computed here from the files with
// csv-parse, in cents, and every file's rows read = loaded + quarantined.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";
import { CLOCK, dropThroughTransform, FIXTURES, RUN_DATE, TIMEZONE } from "./harness.ts";

const SHAPES = join(FIXTURES, "shapes");
const DAYS = ["2026-11-20", "2026-11-21"];

type CsvRow = Record<string, string>;
const rowsOf = (text: string): CsvRow[] => parse(text, { columns: true, relax_column_count: true });
const cents = (text: string | undefined) => Math.round(Number((text ?? "").replace(/,/g, "")) * 100);

/** The day of a Shopify timestamp in New York, by Intl. */
function newYorkDay(instant: string): string {
  const [date, time, offset = ""] = instant.split(" ");
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIMEZONE }).format(
    new Date(`${date}T${time}${offset.slice(0, 3)}:${offset.slice(3)}`),
  );
}

interface DayTruth {
  orders: number;
  revenueCents: number;
  metaCents: number;
  googleCents: number;
  tiktokCents: number;
}

async function truthFromFiles(): Promise<Map<string, DayTruth>> {
  const days = new Map(
    DAYS.map((day) => [day, { orders: 0, revenueCents: 0, metaCents: 0, googleCents: 0, tiktokCents: 0 }]),
  );
  for (const row of rowsOf(await readFile(join(FIXTURES, "shopify-orders.csv"), "utf8"))) {
    if (!row["Financial Status"] || row["Cancelled at"]) continue;
    const day = days.get(newYorkDay(row["Created at"] ?? ""));
    if (!day) continue;
    day.orders += 1;
    day.revenueCents += cents(row.Total);
  }
  for (const row of rowsOf(await readFile(join(SHAPES, "meta-breakdown-age-gender.csv"), "utf8"))) {
    const day = days.get(row.Day ?? "");
    if (day) day.metaCents += cents(row["Amount spent (USD)"]);
  }
  const google = (await readFile(join(SHAPES, "google-ads-ad-level.csv"), "utf8"))
    .split("\n")
    .slice(2)
    .join("\n");
  for (const row of rowsOf(google)) {
    const day = days.get(row.Day ?? "");
    if (day) day.googleCents += cents(row.Cost);
  }
  for (const row of rowsOf(await readFile(join(SHAPES, "tiktok-placement-breakdown.csv"), "utf8"))) {
    const day = days.get(row["By Day"] ?? "");
    if (day) day.tiktokCents += cents(row.Cost);
  }
  return days;
}

describe("export shapes that used to lose money", { timeout: 120_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-shapes-"));
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: TIMEZONE }, cwd: workDir });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    bucket = new FolderBucket(config.local.bucketDir);
    await bucket.write("raw/inbox/orders.csv", await readFile(join(FIXTURES, "shopify-orders.csv")));
    for (const name of [
      "meta-breakdown-age-gender.csv",
      "google-ads-ad-level.csv",
      "tiktok-placement-breakdown.csv",
    ])
      await bucket.write(`raw/inbox/${name}`, await readFile(join(SHAPES, name)));
    const report = await runLocally(
      config,
      parseRunMessage({
        runDate: RUN_DATE,
        runId: "shapes",
        trigger: "manual",
        options: { skip: [], to: "transform" },
      }),
      { log: silentLogger(), warehouse, clock: CLOCK, secrets: fixedSecrets() },
    );
    assert.deepEqual(
      report.records.map((record) => `${record.step}:${record.status}`),
      ["ingest:succeeded", "check-sources:succeeded", "transform:succeeded"],
    );
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("every day's orders, revenue, spend and ROAS equal the files' own totals, to the cent", async () => {
    const truth = await truthFromFiles();
    assert.ok(
      [...truth.values()].every((day) => day.metaCents > 0 && day.googleCents > 0),
      "spend every day",
    );
    const kpis = await warehouse.query<{
      date: string;
      orders: number;
      gross_revenue: number;
      ad_spend: number;
      blended_roas: number | null;
    }>("SELECT date, orders, gross_revenue, ad_spend, blended_roas FROM marts.daily_kpis ORDER BY date");
    const channels = await warehouse.query<{ date: string; channel: string; spend: number }>(
      "SELECT date, channel, spend FROM marts.marketing_daily_channel",
    );
    for (const [day, expected] of truth) {
      const row = kpis.find((candidate) => candidate.date === day);
      assert.ok(row, `daily_kpis has ${day}`);
      const spendCents = expected.metaCents + expected.googleCents + expected.tiktokCents;
      assert.equal(Number(row.orders), expected.orders, `${day} orders`);
      assert.equal(Math.round(Number(row.gross_revenue) * 100), expected.revenueCents, `${day} revenue`);
      assert.equal(Math.round(Number(row.ad_spend) * 100), spendCents, `${day} spend`);
      // The mart carries ROAS to 4 decimals.
      assert.equal(
        Number(row.blended_roas),
        Number((expected.revenueCents / spendCents).toFixed(4)),
        `${day} ROAS`,
      );
      const spendOf = (channel: string) =>
        Math.round(
          Number(channels.find((item) => item.date === day && item.channel === channel)?.spend) * 100,
        );
      assert.equal(spendOf("meta"), expected.metaCents, `${day} Meta spend (breakdown rows summed)`);
      assert.equal(spendOf("google_ads"), expected.googleCents, `${day} Google Ads spend (ad rows summed)`);
      assert.equal(spendOf("tiktok"), expected.tiktokCents, `${day} TikTok spend (placement rows summed)`);
    }
  });

  it("sums a breakdown to one row per ad-day, exactly, and maps Google's Interactions as clicks", async () => {
    const raw = async <T>(sql: string) =>
      (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS() as T[];
    const meta = await raw<{ date: string; ad_name: string; spend: number; clicks: number; reach: unknown }>(
      "SELECT CAST(date_start AS VARCHAR) AS date, ad_name, CAST(spend AS VARCHAR) AS spend, clicks, reach FROM raw.facebook_ads_insights ORDER BY date, ad_name",
    );
    // Every row is a sum of breakdown rows; reach (people, counted once across ages and genders) is not additive.
    assert.deepEqual(
      meta.map((row) => [row.date, row.ad_name, String(row.spend), Number(row.clicks), row.reach]),
      [
        ["2026-11-20", "UGC video", "17.61", 23, null],
        ["2026-11-21", "Carousel", "8.0", 3, null],
        ["2026-11-21", "UGC video", "79.99", 70, null],
      ],
    );
    const [google] = await raw<{ clicks: number }>(
      "SELECT SUM(metrics_clicks) AS clicks FROM raw.google_ads_campaign_stats",
    );
    const googleText = (await readFile(join(SHAPES, "google-ads-ad-level.csv"), "utf8"))
      .split("\n")
      .slice(2)
      .join("\n");
    const interactions = rowsOf(googleText)
      .filter((row) => !row.Campaign?.startsWith("Total:"))
      .reduce((sum, row) => sum + Number((row.Interactions ?? "0").replace(/,/g, "")), 0);
    assert.equal(Number(google?.clicks), interactions);
  });

  it("every file's rows read = loaded + quarantined, and the manifest says how many rows landed", async () => {
    const manifests = await Promise.all(
      (await bucket.list("raw/manifest/")).map(async (path) => JSON.parse(String(await bucket.read(path)))),
    );
    const byName = new Map(manifests.map((manifest) => [manifest.fileName, manifest]));
    for (const manifest of manifests) {
      assert.equal(manifest.status, "loaded", manifest.fileName);
      assert.equal(manifest.rowsRead, manifest.rowsLoaded + manifest.rowsQuarantined, manifest.fileName);
      assert.equal(manifest.rowsQuarantined, 0, manifest.fileName);
    }
    assert.deepEqual(
      [
        byName.get("meta-breakdown-age-gender.csv")?.rowsRead,
        byName.get("meta-breakdown-age-gender.csv")?.rowsLanded,
      ],
      [10, 3],
    );
    assert.deepEqual(
      [byName.get("google-ads-ad-level.csv")?.rowsRead, byName.get("google-ads-ad-level.csv")?.rowsLanded],
      [7, 4],
    );
    assert.deepEqual(
      [
        byName.get("tiktok-placement-breakdown.csv")?.rowsRead,
        byName.get("tiktok-placement-breakdown.csv")?.rowsLanded,
      ],
      [5, 3],
    );
  });
});

describe("UTMs kept in the orders' note attributes", { timeout: 120_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    const files: Record<string, Buffer> = {};
    for (const name of ["shopify-orders-note-attribute-utms.csv", "meta-breakdown-age-gender.csv"])
      files[name] = await readFile(join(SHAPES, name));
    ({ workDir, warehouse } = await dropThroughTransform("utms", files));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("credits orders to channels from utm attributes and tracking apps' JSON, day by day", async () => {
    const rows = rowsOf(await readFile(join(SHAPES, "shopify-orders-note-attribute-utms.csv"), "utf8"));
    const expected = new Map<string, { orders: number; cents: number; meta: number; google: number }>();
    for (const row of rows) {
      if (!row["Financial Status"] || row["Cancelled at"]) continue;
      const day = newYorkDay(row["Created at"] ?? "");
      const entry = expected.get(day) ?? { orders: 0, cents: 0, meta: 0, google: 0 };
      entry.orders += 1;
      entry.cents += cents(row.Total);
      const note = row["Note Attributes"] ?? "";
      if (/facebook/.test(note)) entry.meta += cents(row.Total);
      if (/google/.test(note)) entry.google += cents(row.Total);
      expected.set(day, entry);
    }
    assert.deepEqual([...expected.keys()].sort(), DAYS);
    const credited = [...expected.values()];
    assert.ok(credited.some((day) => day.meta > 0) && credited.some((day) => day.google > 0), "non-trivial");
    const kpis = await warehouse.query<{ date: string; orders: number; gross_revenue: number }>(
      "SELECT date, orders, gross_revenue FROM marts.daily_kpis",
    );
    const channels = await warehouse.query<{ date: string; channel: string; attributed_revenue: number }>(
      "SELECT date, channel, attributed_revenue FROM marts.marketing_daily_channel",
    );
    for (const [day, truth] of expected) {
      const row = kpis.find((candidate) => candidate.date === day);
      assert.equal(Number(row?.orders), truth.orders, `${day} orders`);
      assert.equal(Math.round(Number(row?.gross_revenue) * 100), truth.cents, `${day} revenue`);
      const attributed = (channel: string) =>
        Math.round(
          Number(
            channels.find((item) => item.date === day && item.channel === channel)?.attributed_revenue ?? 0,
          ) * 100,
        );
      assert.equal(attributed("meta"), truth.meta, `${day} Meta attributed revenue`);
      assert.equal(attributed("google_ads"), truth.google, `${day} Google attributed revenue`);
    }
  });
});
