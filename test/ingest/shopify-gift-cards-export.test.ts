// Shopify's orders export does not say which lines sold a gift card; its products export does ("Gift Card", TRUE or
// FALSE on a product's first row). Dropped together, through the real ingest and transform, the products export
// marks the orders export's gift card lines, matched by SKU where the line has one the catalogue knows, else by the
// line's name ("<product title> - <variant title>"), and revenue leaves them out as it does the connector's
// (test/sql/gift-cards.test.ts). Without a products export, or where a name is ambiguous, nothing is guessed. The
// expected figures are read off the two fixture files by hand.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { variantTitle } from "../../functions/ingest/shopify.ts";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { StepRecord } from "../../functions/shared/ledger.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";
import { CLOCK, dropThroughTransform, fixture, RUN_DATE, TIMEZONE } from "./harness.ts";

const ORDERS_FILE = "shopify-orders-gift-cards.csv";
const PRODUCTS_FILE = "shopify-products-gift-cards.csv";

// The orders export, by hand (Total, then what it sold):
//   #4001 79.00: a 24.00 apron (APR-SAND), two "Gift Card - $25" (no SKU: the Gift Card product's $25 variant),
//         5.00 shipping: 29.00 of sales.
//   #4002 100.00: an "E-Gift Voucher" (EGIFT-100, a gift card product by its SKU): no sales.
//   #4003 29.00: two tea towels (no SKU, not a gift card) and 5.00 shipping: 29.00 of sales.
//   #4004 50.00: a "Gift Card - $50" line, a name both the Gift Card product's $50 variant and the "Gift Card - $50"
//         card holder (not a gift card) give a line: ambiguous, so it counts as a sale, 50.00.
const GIFT_CARD_SALES: Record<string, number> = { "#4001": 50, "#4002": 100, "#4003": 0, "#4004": 0 };
const WITH_PRODUCTS = { orders: 4, revenue: 108, aov: 27 };
// Without the products export, every line counts: 79 + 100 + 29 + 50.
const WITHOUT_PRODUCTS = { orders: 4, revenue: 258, aov: 64.5 };

async function kpisOfRunDate(warehouse: DuckDbWarehouse) {
  const [kpis] = await warehouse.query<{ orders: number; gross_revenue: number; aov: number }>(
    "SELECT orders, gross_revenue, aov FROM marts.daily_kpis WHERE date = @run_date",
    { run_date: RUN_DATE },
  );
  assert.ok(kpis, "a daily_kpis row for the run date");
  return { orders: Number(kpis.orders), revenue: Number(kpis.gross_revenue), aov: Number(kpis.aov) };
}

describe("a dropped orders export with a products export that marks gift cards", { timeout: 180_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform("gift-cards-export", {
      [ORDERS_FILE]: await fixture(ORDERS_FILE),
      [PRODUCTS_FILE]: await fixture(PRODUCTS_FILE),
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("lands the products export's Gift Card and each variant's title on its variants", async () => {
    const products = await warehouse.query<{ title: string; variants: string }>(
      "SELECT title, variants::VARCHAR AS variants FROM raw.shopify_products ORDER BY title",
    );
    assert.deepEqual(
      products.map((product) => ({
        title: product.title,
        variants: (JSON.parse(product.variants) as { title: string | null; gift_card?: boolean }[]).map(
          (variant) => [variant.title, variant.gift_card],
        ),
      })),
      [
        { title: "E-Gift Voucher", variants: [["Default Title", true]] },
        {
          title: "Gift Card",
          variants: [
            ["$25", true],
            ["$50", true],
          ],
        },
        { title: "Gift Card - $50", variants: [["Default Title", false]] },
        {
          title: "Linen Apron",
          variants: [
            ["Sand", false],
            ["Charcoal", false],
          ],
        },
        { title: "Tea Towel", variants: [["Default Title", false]] },
      ],
    );
  });

  it("takes each order's gift cards out of its revenue, by SKU, else by an unambiguous line name", async () => {
    const orders = await warehouse.query<{ order_name: string; gift_card_sales: number }>(
      `SELECT orders.order_name, unified.gift_card_sales
       FROM unified.shopify_unified AS unified
       JOIN staging.stg_shopify_orders AS orders USING (order_id)
       ORDER BY orders.order_name`,
    );
    assert.deepEqual(
      Object.fromEntries(orders.map((row) => [row.order_name, Number(row.gift_card_sales)])),
      GIFT_CARD_SALES,
    );
    assert.deepEqual(await kpisOfRunDate(warehouse), WITH_PRODUCTS);
  });
});

describe("a dropped orders export without a products export", { timeout: 180_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform("gift-cards-export-alone", {
      [ORDERS_FILE]: await fixture(ORDERS_FILE),
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("cannot tell its gift cards: they count as sales, none guessed from a name", async () => {
    assert.deepEqual(await kpisOfRunDate(warehouse), WITHOUT_PRODUCTS);
  });
});

describe("a variant's title, as Shopify writes it", () => {
  it("joins the option values with ' / ', skipping the empty ones", () => {
    assert.equal(variantTitle(["Default Title", "", ""]), "Default Title");
    assert.equal(variantTitle(["Sand", " M ", ""]), "Sand / M");
    assert.equal(variantTitle(["", "", ""]), null);
  });
});

// A new shop drops its orders export first and its products export a day later. The orders export, by hand:
//   #5001 on Mon 2 Nov 2026, 79.00: two tea towels (no SKU, 24.00), two "Gift Card - $25" (no SKU: the Gift Card
//         product's $25 variant, matched by name once the products export lands: 50.00) and 5.00 shipping.
//   #5002 on Sat 21 Nov 2026 (the run date), 29.00: two tea towels and 5.00 shipping.
// Day 1 (run date the 21st) cannot tell the gift cards: 2 Nov counts 79.00. Day 2's daily run (the 22nd, window
// the 15th to the 22nd) lands the products export: 2 Nov, before its window, counts 79.00 - 50.00 = 29.00.
const EARLY_ORDERS = [
  "Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Created at,Cancelled at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Payment Method,Id",
  "#5001,ana.fictional@example.com,paid,2026-11-02 09:12:00 -0500,USD,74.00,5.00,0.00,79.00,2026-11-02 09:12:00 -0500,,2,Tea Towel,12.00,,Shopify Payments,7005001",
  "#5001,ana.fictional@example.com,,,,,,,,2026-11-02 09:12:00 -0500,,2,Gift Card - $25,25.00,,,",
  "#5002,cy.fictional@example.com,paid,2026-11-21 15:05:00 -0500,USD,24.00,5.00,0.00,29.00,2026-11-21 15:05:00 -0500,,2,Tea Towel,12.00,,Shopify Payments,7005002",
  "",
].join("\n");
const OLD_DAY = "2026-11-02";
const NEXT_RUN_DATE = "2026-11-22";
/** The morning after the second run date in New York. */
const NEXT_CLOCK = { now: () => new Date("2026-11-23T12:00:00Z") };

/** The products export of the fixture, its tea towel's row alone: no gift card, no SKU. */
async function teaTowelOnly(): Promise<string> {
  const [header, ...rows] = (await fixture(PRODUCTS_FILE)).toString("utf8").split("\n");
  return `${[header, ...rows.filter((row) => row.startsWith("tea-towel,"))].join("\n")}\n`;
}

/**
 * Two daily runs of a new shop, up to the transform, in one work dir: the orders export dropped before the first
 * (RUN_DATE), `products` before the second (NEXT_RUN_DATE, not a full refresh). Its transform's ledger record.
 */
async function ordersThenProducts(
  runId: string,
  products: string | Buffer,
): Promise<{ workDir: string; warehouse: DuckDbWarehouse; before: number; transform: StepRecord }> {
  const workDir = await mkdtemp(join(tmpdir(), `pulse-${runId}-`));
  const config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: TIMEZONE }, cwd: workDir });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
  const bucket = new FolderBucket(config.local.bucketDir);
  const run = async (runDate: string, clock: typeof CLOCK) => {
    const report = await runLocally(
      config,
      parseRunMessage({
        runDate,
        runId: `${runId}-${runDate}`,
        trigger: "manual",
        options: { to: "transform" },
      }),
      { log: silentLogger(), warehouse, clock, secrets: fixedSecrets() },
    );
    assert.deepEqual(
      report.failures.map((failure) => failure.error),
      [],
    );
    const transform = report.records.find((record) => record.step === "transform");
    assert.ok(transform, "the run's transform record");
    return transform;
  };
  await bucket.write(`${INBOX_PREFIX}shopify-orders-early.csv`, EARLY_ORDERS);
  await run(RUN_DATE, CLOCK);
  const before = await revenueOf(warehouse, OLD_DAY);
  await bucket.write(`${INBOX_PREFIX}shopify-products-late.csv`, products);
  const transform = await run(NEXT_RUN_DATE, NEXT_CLOCK);
  return { workDir, warehouse, before, transform };
}

async function revenueOf(warehouse: DuckDbWarehouse, day: string): Promise<number> {
  const [kpis] = await warehouse.query<{ gross_revenue: number }>(
    "SELECT gross_revenue FROM marts.daily_kpis WHERE date = @day",
    { day },
  );
  assert.ok(kpis, `a daily_kpis row for ${day}`);
  return Number(kpis.gross_revenue);
}

describe("a products export dropped the day after the orders export", { timeout: 240_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("takes the older days' gift cards, matched by name, out of their revenue on the next daily run", async () => {
    let before: number;
    let transform: StepRecord;
    ({ workDir, warehouse, before, transform } = await ordersThenProducts(
      "gift-cards-late",
      await fixture(PRODUCTS_FILE),
    ));
    assert.equal(before, 79, "day 1 cannot tell the gift cards: 2 Nov counts the order's total");
    assert.equal(await revenueOf(warehouse, OLD_DAY), 79 - 2 * 25);
    assert.match(
      transform.summary ?? "",
      /\(window 2026-11-15 → 2026-11-22 \+ 1 days of /,
      "a daily run's window",
    );
    assert.equal(transform.metrics.recataloguedDays, 1, "2 Nov, the one order day before the window");
  });
});

describe("a products export dropped later that changes no line's gift card", { timeout: 240_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("rebuilds no older day", async () => {
    let before: number;
    let transform: StepRecord;
    ({ workDir, warehouse, before, transform } = await ordersThenProducts(
      "gift-cards-late-none",
      await teaTowelOnly(),
    ));
    assert.equal(before, 79);
    assert.equal(await revenueOf(warehouse, OLD_DAY), 79);
    assert.equal(transform.metrics.recataloguedDays, 0);
    assert.match(transform.summary ?? "", /\(window 2026-11-15 → 2026-11-22\)$/, "its window alone");
  });
});
