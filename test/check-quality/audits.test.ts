import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { anomaliesDocument, renderAnomaliesMarkdown } from "../../functions/lib/quality/anomalies-file.ts";
import {
  auditBatchSql,
  countFailingRows,
  loadAudits,
  parseAudit,
} from "../../functions/check-quality/audits.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { createLogger } from "../../functions/lib/logger.ts";
import type { SqlParams } from "../../functions/shared/ports.ts";
import type { Finding } from "../../functions/shared/findings.ts";

describe("audits", () => {
  it("parse their header, table and column", () => {
    const audit = parseAudit(
      "unique_x.sql",
      "-- Audit (blocking): one row per x.\n-- Table: unified.x\n-- Column: x_id\nSELECT 1",
    );
    assert.deepEqual(
      { ...audit, sql: undefined },
      {
        name: "unique_x",
        blocking: true,
        description: "one row per x.",
        table: "unified.x",
        column: "x_id",
        sql: undefined,
      },
    );
    assert.throws(() => parseAudit("bad.sql", "SELECT 1"), /must start with/);
  });

  it("declare blocking for unique and referential keys of the unified tables", () => {
    const audits = new Map(loadAudits().map((audit) => [audit.name, audit]));
    for (const name of [
      "unique_shopify_unified",
      "unique_stg_shopify_line_items",
      "unique_ad_performance",
      "line_items_have_orders",
      "not_null_shopify_unified",
    ])
      assert.equal(audits.get(name)?.blocking, true, name);
    for (const name of [
      "accepted_channels",
      "accepted_currency_codes",
      "product_sales_have_products",
      "kpi_totals_balance",
    ])
      assert.equal(audits.get(name)?.blocking, false, name);
  });
});

describe("the audits' failing rows", () => {
  // A hand-made table: order 2 twice, order 4 three times, and order 5 with no channel.
  const orders = [
    [1, "2026-11-18", "email"],
    [2, "2026-11-19", "paid_social"],
    [2, "2026-11-19", "paid_social"],
    [3, "2026-11-20", "direct"],
    [4, "2026-11-20", "direct"],
    [4, "2026-11-20", "direct"],
    [4, "2026-11-20", "direct"],
    [5, "2026-11-21", null],
    // Outside the window: its duplicate must not count.
    [6, "2026-10-01", "email"],
    [6, "2026-10-01", "email"],
  ] as const;
  const params: SqlParams = { window_start: "2026-11-15", window_end: "2026-11-21" };
  const audits = [
    parseAudit(
      "unique_orders.sql",
      "-- Audit (blocking): one row per order.\n-- Table: unified.orders\n" +
        "SELECT order_id, COUNT(*) AS copies FROM unified.orders\n" +
        "WHERE order_date BETWEEN @window_start AND @window_end GROUP BY order_id HAVING COUNT(*) > 1",
    ),
    parseAudit(
      "channel_not_null.sql",
      "-- Audit (blocking): every order has a channel.\nSELECT order_id FROM unified.orders WHERE channel IS NULL",
    ),
    parseAudit(
      "no_future_orders.sql",
      "-- Audit (warning): no order after the window.\n" +
        "SELECT order_id FROM unified.orders WHERE order_date > @window_end",
    ),
    parseAudit(
      "extra_rows.sql",
      "-- Audit (warning): every row of a duplicated order beyond its first (a comment line -- inside).\n" +
        "SELECT order_id FROM unified.orders\n" +
        "QUALIFY ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY order_date) > 1",
    ),
  ];
  // Counted by hand from the rows above: orders 2 and 4 duplicated in the window (6 is outside it); one order
  // without a channel; none after the window; 1 + 2 + 1 rows beyond each duplicated order's first.
  const expected = [2, 1, 0, 4];

  let warehouse: DuckDbWarehouse;
  const queries: string[] = [];
  // The warnings logged, one JSON line each.
  const warnings: string[] = [];
  const log = createLogger({ format: "json", minLevel: "warn", write: (line) => warnings.push(line) });
  before(async () => {
    warehouse = await DuckDbWarehouse.open(":memory:");
    await warehouse.load({
      dataset: "unified",
      table: "orders",
      columns: [
        { name: "order_id", type: "INT64" },
        { name: "order_date", type: "DATE" },
        { name: "channel", type: "STRING" },
      ],
      rows: orders.map(([order_id, order_date, channel]) => ({ order_id, order_date, channel })),
    });
    // Every query the audits send, recorded on their way to DuckDB.
    const query = warehouse.query.bind(warehouse);
    warehouse.query = ((sql, queryParams, options) => {
      queries.push(sql);
      return query(sql, queryParams, options);
    }) as typeof warehouse.query;
  });
  after(() => warehouse.close());

  it("come from one query, each audit's count the rows its own query returns", async () => {
    queries.length = 0;
    assert.deepEqual(await countFailingRows(warehouse, audits, params, log), expected);
    assert.equal(queries.length, 1);
    assert.equal(queries[0], auditBatchSql(audits));
    // Each audit's own query, run alone, returns that many rows.
    for (const [index, audit] of audits.entries()) {
      const rows = await warehouse.rawConnection.runAndReadAll(
        audit.sql
          .replaceAll("@window_start", "DATE '2026-11-15'")
          .replaceAll("@window_end", "DATE '2026-11-21'"),
      );
      assert.equal(rows.currentRowCount, expected[index], audit.name);
    }
    assert.deepEqual(warnings, []);
  });

  it("fall back to one query per audit when the batch fails, so the error names the broken audit", async () => {
    queries.length = 0;
    const broken = parseAudit(
      "broken.sql",
      "-- Audit (warning): reads a table that does not exist.\nSELECT 1 AS x FROM unified.no_such_table",
    );
    await assert.rejects(
      countFailingRows(warehouse, [...audits, broken], params, log),
      /query "audit broken" failed on DuckDB: .*no_such_table/,
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /no_such_table/);
    // The batch, then each audit alone (the good ones answer, the broken one throws).
    assert.equal(queries.length, 1 + audits.length + 1);
  });
});

describe("the order totals audit", () => {
  // Hand-made orders in the window (and one outside it): a total is subtotal + shipping + tax where prices exclude
  // tax (a US shop), subtotal + shipping where they include it (an EU, UK, Australian or Japanese shop, whose
  // total_tax is the tax inside the prices). The tips paid with an order are inside Shopify's total too.
  const untipped = [
    {
      order_id: 1,
      order_date: "2026-11-20",
      subtotal_price: "88.00",
      shipping_price: "6.95",
      total_tax: "5.50",
      total_price: "100.45",
    },
    {
      order_id: 2,
      order_date: "2026-11-20",
      subtotal_price: "104.40",
      shipping_price: "0",
      total_tax: "16.67",
      total_price: "104.40",
    },
    {
      order_id: 3,
      order_date: "2026-11-21",
      subtotal_price: "45.00",
      shipping_price: "4.90",
      total_tax: "7.97",
      total_price: "49.90",
    },
    {
      order_id: 4,
      order_date: "2026-11-21",
      subtotal_price: "19824",
      shipping_price: "0",
      total_tax: "1802",
      total_price: "19824",
    },
    // Balanced neither way: 50 + 5 (+ 4) is not 70.
    {
      order_id: 5,
      order_date: "2026-11-21",
      subtotal_price: "50.00",
      shipping_price: "5.00",
      total_tax: "4.00",
      total_price: "70.00",
    },
    // Outside the window.
    {
      order_id: 6,
      order_date: "2026-10-01",
      subtotal_price: "50.00",
      shipping_price: "5.00",
      total_tax: "4.00",
      total_price: "70.00",
    },
  ];
  const rows = [
    ...untipped.map((row) => ({ ...row, tips: "0" })),
    // Tipped, prices excluding tax: 40 + 5 + 3.20 + a 6.00 tip is 54.20.
    {
      order_id: 7,
      order_date: "2026-11-21",
      subtotal_price: "40.00",
      shipping_price: "5.00",
      total_tax: "3.20",
      tips: "6.00",
      total_price: "54.20",
    },
    // Tipped, prices including tax: 60 + 0 + a 9.00 tip is 69.00 (its 10.00 of tax inside the 60).
    {
      order_id: 8,
      order_date: "2026-11-20",
      subtotal_price: "60.00",
      shipping_price: "0",
      total_tax: "10.00",
      tips: "9.00",
      total_price: "69.00",
    },
  ];
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await DuckDbWarehouse.open(":memory:");
    await warehouse.load({
      dataset: "unified",
      table: "shopify_unified",
      columns: [
        { name: "order_id", type: "INT64" },
        { name: "order_date", type: "DATE" },
        { name: "subtotal_price", type: "NUMERIC" },
        { name: "shipping_price", type: "NUMERIC" },
        { name: "total_tax", type: "NUMERIC" },
        { name: "tips", type: "NUMERIC" },
        { name: "total_price", type: "NUMERIC" },
      ],
      rows,
    });
  });
  after(() => warehouse.close());

  it("flags only an order whose total is neither subtotal + shipping + tips + tax nor, prices including tax, subtotal + shipping + tips", async () => {
    const audit = loadAudits().find((one) => one.name === "order_totals_balance");
    assert.ok(audit);
    const log = createLogger({ format: "json", minLevel: "warn", write: () => undefined });
    const params: SqlParams = { window_start: "2026-11-15", window_end: "2026-11-21" };
    assert.deepEqual(await countFailingRows(warehouse, [audit], params, log), [1]);
  });

  it("says the tolerance its query applies, in the shop's currency units, not in cents a yen shop has not", () => {
    const audit = loadAudits().find((one) => one.name === "order_totals_balance");
    assert.ok(audit);
    // The tolerance the query compares against, read from its SQL: the finding's message must give that one.
    const tolerances = [...audit.sql.matchAll(/ABS\([^\n]*\)\s*>\s*([\d.]+)/g)].map((match) => match[1]);
    assert.deepEqual(tolerances, ["0.01", "0.01"]);
    assert.match(audit.description, /, within 0\.01\.$/);
    assert.doesNotMatch(audit.description, /cent|penny|pennies/i);
  });
});

describe("the anomalies file", () => {
  const finding = (partial: Partial<Finding>): Finding => ({
    check: "source_freshness",
    step: "check-sources",
    severity: "critical",
    blocking: false,
    subject: "facebook_ads",
    message: "Meta Ads data is 5 days old (last day 2026-11-16).",
    ...partial,
  });

  it("lists findings by severity with where, observed and expected, escaping table cells", () => {
    const markdown = renderAnomaliesMarkdown(
      anomaliesDocument("2026-11-21", [
        finding({
          severity: "warning",
          check: "null_rate",
          subject: "t.c",
          table: "t",
          column: "c",
          expected: "a|b",
          message: "NULLs.",
        }),
        finding({
          source: "facebook_ads",
          table: "facebook_ads_insights",
          observed: "2026-11-16",
          expected: "data through 2026-11-21",
        }),
      ]),
      "en-US",
    );
    // The en-US shop's dates as it reads them elsewhere (the email's "Sat 21 Nov 2026"), not as stored.
    assert.match(
      markdown,
      /^# Checks for Sat 21 Nov 2026\n\n1 critical, 1 warning, 0 for information\. Nothing blocks the run\./,
    );
    assert.ok(markdown.indexOf("## Critical") < markdown.indexOf("## Warnings"));
    assert.match(
      markdown,
      /\| source_freshness \| check-sources \| facebook_ads, facebook_ads_insights \| Mon 16 Nov 2026 \| data through Sat 21 Nov 2026 \|/,
    );
    assert.match(markdown, /^- Meta Ads data is 5 days old \(last day Mon 16 Nov 2026\)\.$/m);
    assert.match(markdown, /a\\\|b/);
  });

  it("says so when every check passed", () => {
    assert.match(renderAnomaliesMarkdown(anomaliesDocument("2026-11-21", []), "en-US"), /Every check passed/);
  });
});
