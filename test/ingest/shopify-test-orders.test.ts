// A Shopify orders export dropped into the inbox, with test orders among the real ones, through the real ingest and
// transform: the orders paid with the Bogus Gateway are flagged as tests in raw and left out of staging and the
// daily KPIs, whose figures must equal the real orders' totals computed here straight from the file. Shopify's
// export has no test column: the gateway in "Payment Method" is all it says about a test order.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { Columns } from "../../functions/ingest/format-spec.ts";
import { paidWithBogusGateway } from "../../functions/ingest/shopify.ts";
import { dropThroughTransform, fixture, RUN_DATE } from "./harness.ts";

const FILE = "shopify-orders-test-gateways.csv";

// Read off the fixture by hand: the orders whose "Payment Method" names the Bogus Gateway ("bogus", "Bogus
// Gateway", "Gift card + BOGUS"). "Anti-Bogus Pay" is a real gateway whose name merely contains the word.
const TEST_ORDERS = new Set(["#3002", "#3003", "#3005"]);
// The fixture's real orders on the run date, summed by hand: #3001 58.00, #3004 80.00, #3006 25.50, #3007 64.00,
// #3008 19.00. Ben's first real order (#3004) follows his test order of the day before (#3003).
const HAND_TOTAL = { orders: 5, revenue: 246.5, newCustomers: 5 };

type CsvRow = Record<string, string>;

const csv = (text: string): CsvRow[] => parse(text, { columns: true, bom: true, skip_empty_lines: true });

/** The export's order rows: its first row of each order, the one carrying the order's own fields. */
const orderRows = (rows: CsvRow[]) => rows.filter((row) => row["Financial Status"]);

/** The calendar day of an export instant ("2026-11-21 09:12:00 -0500") in New York, by Intl. */
function newYorkDay(instant: string): string {
  const [date, time, offset] = instant.split(" ");
  const iso = `${date}T${time}${(offset ?? "").slice(0, 3)}:${(offset ?? "").slice(3)}`;
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(iso));
}

interface Expected {
  orders: number;
  revenue: number;
  newCustomers: number;
}

/** The run date's orders, revenue and new customers, from the file's rows counted as a person would. */
function expectedFromFile(rows: CsvRow[], isTest: (row: CsvRow) => boolean): Expected {
  const orders = orderRows(rows)
    .filter((row) => !isTest(row) && !row["Cancelled at"])
    .sort((a, b) => (a["Created at"] ?? "").localeCompare(b["Created at"] ?? ""));
  const firstOrderOf = new Map<string, string>();
  for (const row of orders)
    if (!firstOrderOf.has(row.Email ?? "")) firstOrderOf.set(row.Email ?? "", row.Name ?? "");
  const ofDay = orders.filter((row) => newYorkDay(row["Created at"] ?? "") === RUN_DATE);
  return {
    orders: ofDay.length,
    revenue: ofDay.reduce((sum, row) => sum + Number(row.Total), 0),
    newCustomers: ofDay.filter((row) => firstOrderOf.get(row.Email ?? "") === row.Name).length,
  };
}

async function kpisOfRunDate(warehouse: DuckDbWarehouse): Promise<Expected> {
  const [kpis] = await warehouse.query<{ orders: number; gross_revenue: number; new_customers: number }>(
    "SELECT orders, gross_revenue, new_customers FROM marts.daily_kpis WHERE date = @run_date",
    { run_date: RUN_DATE },
  );
  assert.ok(kpis, "a daily_kpis row for the run date");
  return {
    orders: Number(kpis.orders),
    revenue: Math.round(Number(kpis.gross_revenue) * 100) / 100,
    newCustomers: Number(kpis.new_customers),
  };
}

describe("a dropped Shopify orders export with Bogus Gateway test orders", { timeout: 180_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;
  let rows: CsvRow[];

  before(async () => {
    const bytes = await fixture(FILE);
    rows = csv(bytes.toString("utf8"));
    ({ workDir, warehouse } = await dropThroughTransform("test-orders", { [FILE]: bytes }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("keeps every order in raw as the file has it, the Bogus Gateway's flagged as tests", async () => {
    const raw = await warehouse.query<{ name: string; total_price: number; test: boolean | null }>(
      "SELECT name, total_price, test FROM raw.shopify_orders ORDER BY name",
    );
    assert.deepEqual(
      raw.map((row) => [row.name, Number(row.total_price), row.test]),
      orderRows(rows)
        .map((row) => [row.Name, Number(row.Total), TEST_ORDERS.has(row.Name ?? "")])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it("leaves the test orders out of staging and counts the real ones alone in the daily KPIs", async () => {
    const staged = await warehouse.query<{ order_id: number }>(
      "SELECT order_id FROM staging.stg_shopify_orders ORDER BY order_id",
    );
    assert.deepEqual(
      staged.map((row) => Number(row.order_id)),
      orderRows(rows)
        .filter((row) => !TEST_ORDERS.has(row.Name ?? ""))
        .map((row) => Number(row.Id))
        .sort((a, b) => a - b),
    );
    const expected = expectedFromFile(rows, (row) => TEST_ORDERS.has(row.Name ?? ""));
    assert.deepEqual(expected, HAND_TOTAL, "the file's real orders, as summed by hand");
    assert.deepEqual(await kpisOfRunDate(warehouse), expected);
  });
});

describe("a dropped Shopify orders export without a Payment Method column", { timeout: 180_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;
  let rows: CsvRow[];

  before(async () => {
    // The same orders, the column cut out: the file no longer says which orders were tests.
    rows = csv((await fixture(FILE)).toString("utf8")).map((row) => {
      const withoutGateway = { ...row };
      delete withoutGateway["Payment Method"];
      return withoutGateway;
    });
    ({ workDir, warehouse } = await dropThroughTransform("test-orders-unknown", {
      [FILE]: stringify(rows, { header: true }),
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("leaves the flag empty in raw and counts every order as real", async () => {
    const raw = await warehouse.query<{ test: boolean | null; orders: number }>(
      "SELECT test, COUNT(*) AS orders FROM raw.shopify_orders GROUP BY test",
    );
    assert.deepEqual(
      raw.map((row) => [row.test, Number(row.orders)]),
      [[null, orderRows(rows).length]],
    );
    assert.deepEqual(
      await kpisOfRunDate(warehouse),
      expectedFromFile(rows, () => false),
    );
  });
});

describe("which Payment Method cells name the Bogus Gateway", () => {
  const withGateway = new Columns(["Name", "Payment Method"]);

  it("finds it by its whole name, case aside, among the gateways joined with + or ,", () => {
    const cells: [string, boolean][] = [
      ["bogus", true],
      ["Bogus Gateway", true],
      [" BOGUS ", true],
      ["Gift card + bogus", true],
      ["gift_card, bogus", true],
      ["bogus,Shopify Payments", true],
      // A Shopify Payments order in test mode reads the same: the export cannot tell it from a real payment.
      ["Shopify Payments", false],
      ["Shopify Payments + Gift card", false],
      ["Anti-Bogus Pay", false],
      ["bogus_pay", false],
      ["Bogus Gateway Pro", false],
      ["", false],
    ];
    for (const [cell, isTest] of cells) assert.equal(paidWithBogusGateway(withGateway, cell), isTest, cell);
  });

  it("knows nothing when the export has no Payment Method column", () => {
    assert.equal(paidWithBogusGateway(new Columns(["Name", "Total"]), ""), null);
  });
});
