// The same file dropped twice loads nothing twice; a corrected export for the same period replaces that period
// (and only that period); an attempt interrupted half-way is retried without doubling rows; and all of it when
// the drops are ingested days apart, each at its own time (the replacements read the raw tables from the day
// before the drop's first day on, and a retry from its first attempt's time on).
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { firstAttemptAt } from "../../functions/ingest/drop-attempts.ts";
import type { FileManifest } from "../../functions/ingest/file-drop.ts";
import { manifestPath } from "../../functions/lib/bucket-layout.ts";
import { createHarness, fixture, type Harness, SALES_MAPPING, salesExport } from "./harness.ts";

const at = (iso: string) => ({ now: () => new Date(iso) });

const spendByDay = async (harness: Harness) =>
  Object.fromEntries(
    (
      await harness.rows<{ day: string; spend: number; n: bigint }>(
        "SELECT CAST(date_start AS VARCHAR) AS day, sum(spend) AS spend, count(*) AS n FROM raw.facebook_ads_insights GROUP BY 1 ORDER BY 1",
      )
    ).map((row) => [row.day, [Math.round(row.spend * 100) / 100, Number(row.n)]]),
  );

describe("file drops: idempotence and replacement", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("loads the same file once, however often it is dropped", async () => {
    const bytes = await fixture("meta-ads-daily.csv");
    const first = await harness.ingest("meta.csv", bytes);
    assert.equal(first.manifest.status, "loaded");
    const before = await spendByDay(harness);
    const again = await harness.ingest("meta (1).csv", bytes);
    assert.equal(again.manifest.status, "duplicate");
    assert.deepEqual(await spendByDay(harness), before);
    const manifest = JSON.parse(String(await harness.bucket.read(manifestPath(first.manifest.sha256))));
    assert.deepEqual(
      manifest.drops.map((drop: { name: string; outcome: string }) => `${drop.name}:${drop.outcome}`),
      ["meta.csv:loaded", "meta (1).csv:duplicate"],
    );
    assert.deepEqual(await harness.bucket.list("raw/inbox/"), []);
  });

  it("replaces an earlier export's rows for the period a corrected export covers, and only those", async () => {
    const original = (await fixture("meta-ads-daily.csv")).toString("utf8");
    await harness.ingest("meta.csv", original);
    assert.deepEqual(await spendByDay(harness), { "2026-11-20": [15, 1], "2026-11-21": [199.88, 3] });

    // Meta restated the 21st: one ad's spend changed and one ad is gone.
    const corrected = original
      .split("\n")
      .filter((line) => !line.includes("Carousel"))
      .filter((line) => !line.startsWith("2026-11-20"))
      .join("\n")
      .replace(",124.00,", ",130.00,");
    const outcome = await harness.ingest("meta-corrected.csv", corrected);
    assert.equal(outcome.manifest.status, "loaded");
    assert.equal(outcome.manifest.periodStart, "2026-11-21");
    assert.equal(outcome.manifest.rowsReplaced, 3);
    assert.deepEqual(await spendByDay(harness), { "2026-11-20": [15, 1], "2026-11-21": [149.1, 2] });
  });

  it("replaces an account's own rows only: two Meta ad accounts' exports of the same days both stay", async () => {
    const original = (await fixture("meta-ads-daily.csv")).toString("utf8").trimEnd();
    // The same export with an "Account ID" column: account 111 as is, account 222 with its own ad names.
    const ofAccount = (account: string, text: string) =>
      text
        .split("\n")
        .map((line, index) => (index === 0 ? `"Account ID",${line}` : `${account},${line}`))
        .join("\n");
    const accountA = ofAccount("111", original);
    const accountB = ofAccount(
      "222",
      original.replace(/"Static 1"|Static 1/g, "B static").replace(/Carousel/g, "B carousel"),
    );
    await harness.ingest("meta-111.csv", accountA);
    const second = await harness.ingest("meta-222.csv", accountB);
    assert.equal(second.manifest.rowsReplaced, 0, "account 222's export replaces none of account 111's rows");
    // By hand from the fixture: 20 Nov 15.00 (1 row), 21 Nov 124.00 + 56.78 + 19.10 (3 rows); each account once.
    assert.deepEqual(await spendByDay(harness), { "2026-11-20": [30, 2], "2026-11-21": [399.76, 6] });

    // Account 111 restates the 21st (124.00 → 130.00): its three rows of that day go, account 222's stay.
    const restated = ofAccount(
      "111",
      original
        .split("\n")
        .filter((line) => !line.startsWith("2026-11-20"))
        .join("\n")
        .replace(",124.00,", ",130.00,"),
    );
    const third = await harness.ingest("meta-111-restated.csv", restated);
    assert.equal(third.manifest.rowsReplaced, 3);
    assert.deepEqual(await spendByDay(harness), { "2026-11-20": [30, 2], "2026-11-21": [405.76, 6] });

    // An export without an account column may be any account's: it replaces every account's rows of its days.
    const unnamed = original
      .split("\n")
      .filter((line) => !line.startsWith("2026-11-20"))
      .join("\n");
    const fourth = await harness.ingest("meta-no-account.csv", unnamed);
    assert.equal(fourth.manifest.rowsReplaced, 6);
    assert.deepEqual(await spendByDay(harness), { "2026-11-20": [30, 2], "2026-11-21": [199.88, 3] });

    // And an account's export replaces the rows of one without an account column (which may be that account's).
    const fifth = await harness.ingest("meta-111-again.csv", restated.replace(",130.00,", ",131.00,"));
    assert.equal(fifth.manifest.rowsReplaced, 3);
    assert.deepEqual(await spendByDay(harness), { "2026-11-20": [30, 2], "2026-11-21": [206.88, 3] });
  });

  it("replaces a corrected Shopify orders export, leaving other kinds' rows alone", async () => {
    const original = (await fixture("shopify-orders.csv")).toString("utf8");
    await harness.ingest("orders.csv", original);
    await harness.ingest("meta.csv", await fixture("meta-ads-daily.csv"));
    const corrected = original
      .replace(",100.45,", ",101.45,")
      .replace(",88.00,6.95,5.50,", ",89.00,6.95,5.50,");
    const outcome = await harness.ingest("orders-fixed.csv", corrected);
    assert.equal(outcome.manifest.rowsReplaced, 5);
    const orders = await harness.rows<{ n: bigint; total: string }>(
      "SELECT count(*) AS n, CAST(sum(total_price) AS VARCHAR) AS total FROM raw.shopify_orders",
    );
    assert.equal(orders[0]?.n, 5n);
    assert.equal(Number(orders[0]?.total), 100.45 + 1 + 47.81 + 128.5 + 32.45 + 40);
    assert.equal(Object.keys(await spendByDay(harness)).length, 2, "Meta rows untouched");
  });

  it("keys orders by id: an overlapping export with a partial day removes none of the orders it lacks", async () => {
    const original = (await fixture("shopify-orders.csv")).toString("utf8");
    await harness.ingest("orders-full.csv", original);
    // A later export that starts in the evening of the 21st: the header, then #1003 (corrected) and nothing else.
    const only1003 = original
      .split(/\n(?=#)/)
      .filter((block, index) => index === 0 || block.startsWith("#1003"))
      .join("\n")
      .replace(",128.50,", ",129.50,");
    const outcome = await harness.ingest("orders-evening.csv", only1003);
    assert.equal(outcome.manifest.status, "loaded");
    assert.equal(outcome.manifest.rowsReplaced, 1, "only #1003's earlier version");
    const orders = await harness.rows<{ name: string; total: string }>(
      "SELECT name, CAST(total_price AS VARCHAR) AS total FROM raw.shopify_orders ORDER BY name",
    );
    assert.deepEqual(
      orders.map((row) => [row.name, Number(row.total)]),
      [
        ["#1000", 40],
        ["#1001", 100.45],
        ["#1002", 47.81],
        ["#1003", 129.5],
        ["#1004", 32.45],
      ],
    );
  });

  it("replaces a mapped sales export's rows for the days a corrected one covers, days outside it kept", async () => {
    const cave = SALES_MAPPING;
    const sales = salesExport;
    const totals = async () =>
      (
        await harness.rows<{ name: string; day: string; total: string }>(
          `SELECT name, CAST(CAST(created_at AS DATE) AS VARCHAR) AS day, CAST(total_price AS VARCHAR) AS total
           FROM raw.shopify_orders WHERE source_name = 'cave' ORDER BY name`,
        )
      ).map((row) => [row.name, row.day, Number(row.total)]);
    await harness.ingest("ventes.csv", sales("F1;20/11/2026;Vin;10,00", "F2;21/11/2026;Vin;20,00"), {
      mappings: [cave],
    });
    // The 21st again, corrected: F2's amount changed and F3 added; F1 (the 20th) is not in it.
    const corrected = await harness.ingest(
      "ventes-21.csv",
      sales("F2;21/11/2026;Vin;25,00", "F3;21/11/2026;Vin;5,50"),
      { mappings: [cave] },
    );
    assert.equal(corrected.manifest.status, "loaded", corrected.manifest.error ?? "");
    assert.deepEqual(
      [corrected.manifest.periodStart, corrected.manifest.periodEnd],
      ["2026-11-21", "2026-11-21"],
    );
    assert.equal(corrected.manifest.rowsReplaced, 1, "F2's earlier row");
    // A date-only sale is placed at noon in New York: 17:00 UTC, the same day.
    assert.deepEqual(await totals(), [
      ["F1", "2026-11-20", 10],
      ["F2", "2026-11-21", 25],
      ["F3", "2026-11-21", 5.5],
    ]);
  });

  it("replaces and retries across days: each drop landed at its own time", async () => {
    const original = (await fixture("shopify-orders.csv")).toString("utf8");
    await harness.ingest("orders.csv", original, { clock: at("2026-11-22T12:00:00Z") });
    await harness.ingest("meta.csv", await fixture("meta-ads-daily.csv"), {
      clock: at("2026-11-22T12:05:00Z"),
    });
    // Four days later, a corrected orders export and a corrected Meta export of the 21st.
    const corrected = original.replace(",100.45,", ",101.45,");
    const orders = await harness.ingest("orders-fixed.csv", corrected, { clock: at("2026-11-26T08:00:00Z") });
    assert.equal(orders.manifest.rowsReplaced, 5, "every earlier version, landed four days before");
    const meta = (await fixture("meta-ads-daily.csv"))
      .toString("utf8")
      .split("\n")
      .filter((line) => !line.startsWith("2026-11-20"))
      .join("\n");
    const replaced = await harness.ingest("meta-fixed.csv", meta.replace(",124.00,", ",134.00,"), {
      clock: at("2026-11-26T08:05:00Z"),
    });
    assert.equal(replaced.manifest.periodStart, "2026-11-21");
    assert.equal(replaced.manifest.rowsReplaced, 3);
    const [totals] = await harness.rows<{ n: bigint; total: string }>(
      "SELECT count(*) AS n, CAST(sum(total_price) AS VARCHAR) AS total FROM raw.shopify_orders",
    );
    assert.equal(totals?.n, 5n);
    assert.equal(Number(totals?.total), 100.45 + 1 + 47.81 + 128.5 + 32.45 + 40);
    assert.deepEqual(await spendByDay(harness), { "2026-11-20": [15, 1], "2026-11-21": [209.88, 3] });

    // An attempt that died after loading, retried a week later: its rows go once, whatever the days between.
    const bytes = await fixture("tiktok-ads.csv");
    const first = await harness.ingest("tiktok.csv", bytes, { clock: at("2026-11-22T12:10:00Z") });
    const path = manifestPath(first.manifest.sha256);
    const manifest = JSON.parse(String(await harness.bucket.read(path)));
    await harness.bucket.write(path, JSON.stringify({ ...manifest, status: "processing" }));
    const retried = await harness.ingest("tiktok.csv", bytes, { clock: at("2026-11-29T07:00:00Z") });
    assert.equal(retried.manifest.status, "loaded");
    const [tiktok] = await harness.rows<{ n: bigint }>(
      "SELECT count(*) AS n FROM raw.tiktok_ads_reports_daily",
    );
    assert.equal(tiktok?.n, 3n);
  });

  it("retries an interrupted attempt without doubling its rows", async () => {
    const bytes = await fixture("tiktok-ads.csv");
    const first = await harness.ingest("tiktok.csv", bytes);
    // As if the run died after loading: the manifest still says "processing".
    const path = manifestPath(first.manifest.sha256);
    const manifest = JSON.parse(String(await harness.bucket.read(path)));
    await harness.bucket.write(path, JSON.stringify({ ...manifest, status: "processing" }));
    const retried = await harness.ingest("tiktok.csv", bytes);
    assert.equal(retried.manifest.status, "loaded");
    const [row] = await harness.rows<{ n: bigint }>("SELECT count(*) AS n FROM raw.tiktok_ads_reports_daily");
    assert.equal(row?.n, 3n);
  });

  for (const [label, body] of [
    ["empty", ""],
    ["torn", '{"sha256":"ab'],
  ] as const) {
    it(`sets an ${label} manifest aside and handles the file as new, without doubling its rows`, async () => {
      // docs/reliability.md, "State files": a file manifest that is empty or does not parse is set aside as
      // <name>.corrupt-<timestamp> and the file is handled as new: never a permanent failure.
      const bytes = await fixture("tiktok-ads.csv");
      const first = await harness.ingest("tiktok.csv", bytes);
      const path = manifestPath(first.manifest.sha256);
      await harness.bucket.write(path, body);
      const again = await harness.ingest("tiktok.csv", bytes);
      assert.equal(again.manifest.status, "loaded", "handled as new, not as a duplicate or a failure");
      const [row] = await harness.rows<{ n: bigint }>(
        "SELECT count(*) AS n FROM raw.tiktok_ads_reports_daily",
      );
      assert.equal(row?.n, 3n, "the same three rows, not six");
      const aside = (await harness.bucket.list("raw/manifest/")).filter((name) => name.includes(".corrupt-"));
      assert.equal(aside.length, 1);
      assert.ok(aside[0]?.startsWith(`${path}.corrupt-`), aside[0]);
      assert.equal(String(await harness.bucket.read(aside[0] ?? "")), body, "kept as it was");
      const manifest = JSON.parse(String(await harness.bucket.read(path))) as { status: string };
      assert.equal(manifest.status, "loaded", "a new manifest in its place");
    });
  }
});

describe("the first attempt's time, which bounds what a retry removes", () => {
  const manifest = (receivedAt: string, ...drops: string[]) =>
    ({
      receivedAt,
      drops: drops.map((at) => ({ name: "x.csv", at, outcome: "processing" })),
    }) as FileManifest;

  it("is this attempt's time without a manifest, the earliest one a manifest names, and the epoch for a corrupt one", () => {
    const now = "2026-11-29T07:00:00.000Z";
    assert.equal(firstAttemptAt(undefined, false, now), now);
    assert.equal(
      firstAttemptAt(
        manifest("2026-11-24T10:00:00.000Z", "2026-11-22T12:10:00.000Z", "2026-11-24T10:00:00.000Z"),
        false,
        now,
      ),
      "2026-11-22T12:10:00.000Z",
    );
    assert.equal(firstAttemptAt(undefined, true, now), "1970-01-01T00:00:00.000Z");
  });
});
