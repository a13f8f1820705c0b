// Every supported export, hand-made in its exact format, dropped into the inbox and run through the real pipeline
// (ingest → check sources → transform): the marts' orders, revenue and spend must equal totals computed here,
// independently, straight from the files.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { manifestPath } from "../../functions/lib/bucket-layout.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { CLOCK, fixture, FIXTURES, RUN_DATE, TIMEZONE } from "./harness.ts";
import { fixedSecrets } from "../support/secrets.ts";

const DROPS = [
  "shopify-orders.csv",
  "shopify-customers.csv",
  "shopify-customers-legacy.csv",
  "shopify-products.csv",
  "meta-ads-daily.csv",
  "google-ads-report.csv",
  "tiktok-ads.csv",
  "wine-trade-sales.csv",
];

type Record = { [column: string]: string };

const csv = (text: string, delimiter = ","): Record[] =>
  parse(text, { columns: true, delimiter, bom: true, skip_empty_lines: true, relax_column_count: true });

/** The calendar day of an instant in New York, by Intl (not the ingest's own date code). */
function newYorkDay(instant: string): string {
  const [date, time, offset] = instant.split(" ");
  const iso = `${date}T${time}${(offset ?? "").slice(0, 3)}:${(offset ?? "").slice(3)}`;
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIMEZONE }).format(new Date(iso));
}

const money = (text: string | undefined) => Number((text ?? "").replace(/[,\s]/g, "")) || 0;

interface Expected {
  orders: number;
  revenue: number;
  spend: Map<string, number>;
  attributed: Map<string, { orders: number; revenue: number }>;
}

/** The run date's truth, from the files as a person would total them in a spreadsheet. */
async function expectedFromFiles(): Promise<Expected> {
  const attributed = new Map<string, { orders: number; revenue: number }>();
  let orders = 0;
  let revenue = 0;
  for (const row of csv(await readFile(join(FIXTURES, "shopify-orders.csv"), "utf8"))) {
    if (!row["Financial Status"] || row["Cancelled at"]) continue; // continuation rows; cancelled orders
    if (newYorkDay(row["Created at"] ?? "") !== RUN_DATE) continue;
    orders++;
    revenue += money(row.Total);
    const source = /utm_source[:=]\s*([a-z]+)/.exec(row["Note Attributes"] ?? "")?.[1];
    const channel = source === "facebook" ? "meta" : source === "google" ? "google_ads" : source;
    if (channel) {
      const current = attributed.get(channel) ?? { orders: 0, revenue: 0 };
      attributed.set(channel, { orders: current.orders + 1, revenue: current.revenue + money(row.Total) });
    }
  }
  const wine = iconv.decode(await readFile(join(FIXTURES, "wine-trade-sales.csv")), "windows-1252");
  const invoices = new Map<string, number>();
  for (const row of csv(wine, ";")) {
    if (row.Date !== "21/11/2026") continue;
    const amount = Number((row["Montant TTC"] ?? "").replace(/[\s\u00a0\u202f]/g, "").replace(",", "."));
    invoices.set(row["N° facture"] ?? "", (invoices.get(row["N° facture"] ?? "") ?? 0) + amount);
  }
  orders += invoices.size;
  for (const amount of invoices.values()) revenue += amount;

  const spend = new Map<string, number>();
  const add = (channel: string, value: number) => spend.set(channel, (spend.get(channel) ?? 0) + value);
  for (const row of csv(await readFile(join(FIXTURES, "meta-ads-daily.csv"), "utf8"))) {
    if (row.Day === RUN_DATE) add("meta", money(row["Amount spent (USD)"]));
  }
  const google = (await readFile(join(FIXTURES, "google-ads-report.csv"), "utf8"))
    .split("\n")
    .slice(2)
    .join("\n");
  for (const row of csv(google)) if (row.Day === RUN_DATE) add("google_ads", money(row.Cost));
  for (const row of csv(await readFile(join(FIXTURES, "tiktok-ads.csv"), "utf8"))) {
    if (row["By Day"] === RUN_DATE) add("tiktok", money(row.Cost));
  }
  return { orders, revenue, spend, attributed };
}

const close = (actual: unknown, expected: number, what: string) =>
  assert.ok(Math.abs(Number(actual) - expected) < 0.005, `${what}: ${String(actual)} vs ${expected}`);

describe("file drops of every format, through the real pipeline", { timeout: 120_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-drops-"));
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: TIMEZONE }, cwd: workDir });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    bucket = new FolderBucket(config.local.bucketDir);
    for (const name of DROPS) await bucket.write(`raw/inbox/${name}`, await fixture(name));
    await bucket.write("mappings/wine-trade.json", await fixture("wine-trade.mapping.json"));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("ingests every file and builds marts whose numbers equal the files' own totals", async () => {
    const message = parseRunMessage({
      runDate: RUN_DATE,
      runId: "drops",
      trigger: "manual",
      options: { skip: [], to: "transform" },
    });
    const report = await runLocally(config, message, {
      log: silentLogger(),
      warehouse,
      clock: CLOCK,
      secrets: fixedSecrets(),
    });
    assert.deepEqual(
      report.records.map((record) => `${record.step}:${record.status}`),
      ["ingest:succeeded", "check-sources:succeeded", "transform:succeeded"],
    );
    assert.deepEqual(await bucket.list("raw/inbox/"), [], "the inbox is emptied");
    const manifests = await bucket.list("raw/manifest/");
    assert.equal(manifests.length, DROPS.length);
    for (const path of manifests) {
      const manifest = JSON.parse(String(await bucket.read(path)));
      assert.equal(manifest.status, "loaded", `${manifest.fileName}: ${manifest.error}`);
      assert.equal(manifest.rowsQuarantined, 0, manifest.fileName);
      const received = await bucket.read(manifest.receivedPath);
      assert.deepEqual(received, await fixture(manifest.fileName), `${manifest.fileName} kept byte for byte`);
      assert.ok(await bucket.exists(manifestPath(manifest.sha256)));
    }

    const expected = await expectedFromFiles();
    assert.deepEqual(
      [expected.orders, expected.spend.size, expected.attributed.size],
      [5, 3, 3],
      "a non-trivial day",
    );
    const [kpis] = await warehouse.query<{ orders: number; gross_revenue: number; ad_spend: number }>(
      "SELECT orders, gross_revenue, ad_spend FROM marts.daily_kpis WHERE date = @run_date",
      { run_date: RUN_DATE },
    );
    assert.ok(kpis, "a daily_kpis row for the run date");
    assert.equal(Number(kpis.orders), expected.orders);
    close(kpis.gross_revenue, expected.revenue, "gross revenue");
    const totalSpend = [...expected.spend.values()].reduce((sum, value) => sum + value, 0);
    close(kpis.ad_spend, totalSpend, "ad spend");

    const channels = await warehouse.query<{
      channel: string;
      spend: number;
      attributed_orders: number;
      attributed_revenue: number;
    }>(
      "SELECT channel, spend, attributed_orders, attributed_revenue FROM marts.marketing_daily_channel WHERE date = @run_date",
      { run_date: RUN_DATE },
    );
    for (const [channel, spend] of expected.spend) {
      const row = channels.find((candidate) => candidate.channel === channel);
      assert.ok(row, `channel ${channel}`);
      close(row.spend, spend, `${channel} spend`);
      const attributed = expected.attributed.get(channel) ?? { orders: 0, revenue: 0 };
      assert.equal(Number(row.attributed_orders), attributed.orders, `${channel} attributed orders`);
      close(row.attributed_revenue, attributed.revenue, `${channel} attributed revenue`);
    }
  });

  it("passes every data test: a Google campaign report's rows and a mapped export's lines get keys", async () => {
    const google = csv(
      (await readFile(join(FIXTURES, "google-ads-report.csv"), "utf8")).split("\n").slice(2).join("\n"),
    ).filter((row) => row.Day && !("Ad group" in row));
    assert.ok(google.length > 0, "the fixture is a campaign report: no ad group column");
    const keys = await warehouse.query<{ rows: number; without_key: number }>(
      `SELECT COUNT(*) AS rows, COUNTIF(ad_group_id IS NULL OR campaign_id IS NULL) AS without_key
       FROM staging.stg_google_ads_campaign_stats`,
    );
    assert.deepEqual(
      keys.map((row) => [Number(row.rows), Number(row.without_key)]),
      [[new Set(google.map((row) => `${row.Day}|${row.Campaign}`)).size, 0]],
    );
    // The wine trade's invoices name their wines only: the title keys each product.
    const wines = csv(await readFile(join(FIXTURES, "wine-trade-sales.csv"), "latin1"), ";").length;
    const lines = await warehouse.query<{ mapped: number; unkeyed: number; products: number }>(
      `SELECT COUNTIF(order_id IN (SELECT order_id FROM staging.stg_shopify_orders WHERE currency = 'EUR')) AS mapped,
              COUNTIF(product_id IS NULL) AS unkeyed,
              COUNT(DISTINCT IF(order_id IN (SELECT order_id FROM staging.stg_shopify_orders WHERE currency = 'EUR'),
                                product_id, NULL)) AS products
       FROM staging.stg_shopify_line_items`,
    );
    assert.deepEqual(
      lines.map((row) => [Number(row.mapped), Number(row.unkeyed)]),
      [[wines, 0]],
    );
    assert.ok(Number(lines[0]?.products) > 1, "each wine its own product");
    const report = await runLocally(
      config,
      parseRunMessage({
        runDate: RUN_DATE,
        runId: "drops-quality",
        trigger: "manual",
        options: { skip: [], from: "check-quality", to: "check-quality" },
      }),
      { log: silentLogger(), warehouse, clock: CLOCK, secrets: fixedSecrets() },
    );
    const quality = report.records.find((record) => record.step === "check-quality");
    assert.equal(quality?.status, "succeeded", JSON.stringify(quality));
  });

  it("lands customers (current and legacy exports) and products for staging", async () => {
    const customers = await warehouse.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM staging.stg_shopify_customers",
    );
    assert.equal(Number(customers[0]?.n), 4);
    const products = await warehouse.query<{ product_title: string; list_price: number }>(
      "SELECT product_title, list_price FROM staging.stg_shopify_products ORDER BY product_title",
    );
    assert.deepEqual(
      products.map((row) => [row.product_title, Number(row.list_price)]),
      [
        ["Linen Apron", 26],
        ["Olive Wood Board 🫒", 40],
      ],
    );
  });

  it("gives an orders export's lines the products export's product by SKU, else a key of their own", async () => {
    const products = csv(await readFile(join(FIXTURES, "shopify-products.csv"), "utf8"));
    const titleOfHandle = new Map(products.filter((row) => row.Title).map((row) => [row.Handle, row.Title]));
    const productOfSku = new Map(
      products
        .filter((row) => row["Variant SKU"])
        .map((row) => [row["Variant SKU"], titleOfHandle.get(row.Handle)]),
    );
    const expected = new Map<string, number>();
    for (const row of csv(await readFile(join(FIXTURES, "shopify-orders.csv"), "utf8"))) {
      if (row["Cancelled at"] || newYorkDay(row["Created at"] ?? "") !== RUN_DATE) continue;
      if (!(row.Name ?? "").startsWith("#")) continue;
      const sku = row["Lineitem sku"] ?? "";
      const title = productOfSku.get(sku) ?? `sku ${sku}`;
      expected.set(title, (expected.get(title) ?? 0) + Number(row["Lineitem quantity"]));
    }
    assert.ok(expected.has("Linen Apron") && expected.has("Olive Wood Board 🫒"), "SKUs the catalogue knows");
    const sold = await warehouse.query<{
      product_id: number;
      product_title: string;
      sku: string;
      units: number;
    }>(
      `SELECT line_items.product_id, MAX(products.product_title) AS product_title, MAX(line_items.sku) AS sku,
              SUM(line_items.quantity) AS units
       FROM staging.stg_shopify_line_items AS line_items
       LEFT JOIN staging.stg_shopify_products AS products ON products.product_id = line_items.product_id
       WHERE line_items.order_date = @run_date AND NOT line_items.is_cancelled
         AND line_items.order_id < 4000000000000000
       GROUP BY line_items.product_id`,
      { run_date: RUN_DATE },
    );
    const actual = new Map(sold.map((row) => [row.product_title ?? `sku ${row.sku}`, Number(row.units)]));
    assert.deepEqual(actual, expected);
  });

  it("lands TikTok's purchase value as its total (the API's total_complete_payment_rate), not per purchase", async () => {
    let value = 0;
    let purchases = 0;
    for (const row of csv(await readFile(join(FIXTURES, "tiktok-ads.csv"), "utf8"))) {
      if (row["By Day"] !== RUN_DATE) continue;
      value += money(row["Total purchase value"]);
      purchases += money(row["Complete payment"]);
    }
    assert.ok(value > 0 && purchases > 1, "a day with several purchases");
    const [staged] = await warehouse.query<{ value: number; purchases: number }>(
      "SELECT SUM(conversion_value) AS value, SUM(conversions) AS purchases FROM staging.stg_tiktok_ads_reports_daily WHERE date = @run_date",
      { run_date: RUN_DATE },
    );
    close(staged?.value, value, "TikTok purchase value");
    close(staged?.purchases, purchases, "TikTok purchases");
  });
});
