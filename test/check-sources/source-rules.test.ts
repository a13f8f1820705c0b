import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnomalyVerdict } from "../../functions/lib/quality/anomaly.ts";
import { freshnessFinding, judgeFreshness } from "../../functions/check-sources/freshness.ts";
import { compareInventory, toInventory } from "../../functions/check-sources/inventory.ts";
import { diagnoseWarehouseError } from "../../functions/check-sources/reachability.ts";
import { fillLandedSeries } from "../../functions/check-sources/step.ts";
import { volumeFinding } from "../../functions/check-sources/volume.ts";
import { SOURCES } from "../../functions/shared/sources.ts";

const thresholds = { warnAfterHours: 24, criticalAfterHours: 48 };
const asOf = new Date("2026-11-22T06:00:00Z");
const meta = SOURCES.find((source) => source.name === "facebook_ads");
const shopify = SOURCES.find((source) => source.name === "shopify");

describe("freshness findings", () => {
  it("says how many days old a stale source is, and what it means for ROAS", () => {
    assert.ok(meta);
    const input = {
      runDate: "2026-11-21",
      lastEventDate: "2026-11-16",
      lastLoadedAt: "2026-11-17T04:03:00Z",
      timeZone: "America/New_York",
    };
    const verdict = judgeFreshness({ ...input, asOf }, thresholds);
    assert.equal(verdict.decidedBy, "event");
    const finding = freshnessFinding(meta, input, verdict, thresholds);
    assert.equal(finding?.severity, "critical");
    assert.equal(
      finding?.message,
      "Meta Ads data is 5 days old (last day 2026-11-16). ROAS for Meta is not meaningful until it syncs again.",
    );
  });

  it("names the load clock when the days look current but nothing was loaded for a while, on the shop's clock", () => {
    assert.ok(shopify);
    const input = {
      runDate: "2026-11-21",
      lastEventDate: "2026-11-21",
      lastLoadedAt: "2026-11-19T04:00:00Z",
      timeZone: "America/New_York",
    };
    const verdict = judgeFreshness({ ...input, asOf }, thresholds);
    assert.equal(verdict.status, "critical");
    assert.equal(verdict.decidedBy, "load");
    // 04:00 UTC on the 19th is 23:00 on the 18th in New York (EST, UTC−5 in November), 13:00 on the 19th in Tokyo.
    assert.match(
      freshnessFinding(shopify, input, verdict, thresholds)?.message ?? "",
      /^Shopify has not loaded anything for 74 hours \(last load 2026-11-18 23:00 EST\)/,
    );
    assert.match(
      freshnessFinding(shopify, { ...input, timeZone: "Asia/Tokyo" }, verdict, thresholds)?.message ?? "",
      /\(last load 2026-11-19 13:00 GMT\+9\)/,
    );
  });

  it("warns a day behind, and honours per-source thresholds", () => {
    assert.ok(shopify);
    const input = {
      runDate: "2026-11-21",
      lastEventDate: "2026-11-20",
      lastLoadedAt: null,
      timeZone: "America/New_York",
    };
    const warn = freshnessFinding(shopify, input, judgeFreshness({ ...input, asOf }, thresholds), thresholds);
    assert.equal(warn?.severity, "warning");
    assert.equal(warn?.message, "Shopify data is 1 day old (last day 2026-11-20).");
    const relaxed = { warnAfterHours: 48, criticalAfterHours: 96 };
    assert.equal(
      freshnessFinding(shopify, input, judgeFreshness({ ...input, asOf }, relaxed), relaxed),
      undefined,
    );
  });
});

function verdict(partial: Partial<AnomalyVerdict>): AnomalyVerdict {
  return {
    date: "2026-11-21",
    status: "anomaly",
    observed: 10,
    expected: 50,
    lower: 38,
    upper: 62,
    score: -8,
    relativeChange: -0.8,
    direction: "drop",
    trainingDates: [],
    ...partial,
  };
}

describe("volume findings", () => {
  it("warns about a partial load, notes a doubled one, and ignores a busy day", () => {
    assert.ok(shopify);
    const drop = volumeFinding(shopify, 0.5, verdict({}));
    assert.equal(drop?.severity, "warning");
    assert.equal(
      drop?.message,
      "Shopify landed 10 rows for 2026-11-21, far under the usual 50 rows for a Saturday: the sync may be partial; numbers for that day can be too low.",
    );
    const doubled = volumeFinding(
      shopify,
      0.5,
      verdict({ observed: 100, relativeChange: 1, direction: "spike" }),
    );
    assert.equal(doubled?.severity, "info");
    assert.equal(
      volumeFinding(shopify, 0.5, verdict({ observed: 65, relativeChange: 0.3, direction: "spike" })),
      undefined,
    );
    assert.equal(volumeFinding(shopify, 0.5, verdict({ status: "normal" })), undefined);
  });

  it("counts a day without rows as 0 and days before the source started as unknown", () => {
    const series = fillLandedSeries(
      [
        { day: "2026-11-18", landed_rows: 5 },
        { day: "2026-11-20", landed_rows: 7 },
      ],
      "2026-11-21",
    );
    assert.deepEqual(series, [
      { date: "2026-11-18", value: 5 },
      { date: "2026-11-19", value: 0 },
      { date: "2026-11-20", value: 7 },
      { date: "2026-11-21", value: 0 },
    ]);
    assert.deepEqual(fillLandedSeries([], "2026-11-21"), []);
  });
});

describe("warehouse reachability", () => {
  it("tells credentials, permissions, project and dataset problems apart", () => {
    assert.equal(
      diagnoseWarehouseError(new Error("Could not load the default credentials."), "raw").problem,
      "credentials",
    );
    assert.equal(
      diagnoseWarehouseError(Object.assign(new Error("Access Denied"), { code: 403 }), "raw").problem,
      "permission",
    );
    assert.equal(diagnoseWarehouseError(new Error("Project acme-xyz not found"), "raw").problem, "project");
    const dataset = diagnoseWarehouseError(new Error("Not found: Dataset acme:raw"), "raw");
    assert.equal(dataset.problem, "dataset");
    assert.match(dataset.message, /^The raw dataset "raw" does not exist/);
    assert.equal(diagnoseWarehouseError("socket hang up", "raw").problem, "unknown");
  });
});

describe("inventory row counts", () => {
  it("reports a raw table that lost rows since the baseline", () => {
    const table = (rowCount: number) =>
      toInventory([{ dataset: "raw", name: "orders", columns: [], rowCount }]);
    const findings = compareInventory(table(1000), table(400), []);
    assert.deepEqual(
      findings.map((item) => `${item.check}:${item.severity}`),
      ["inventory_rows_shrank:warning"],
    );
    assert.equal(compareInventory(table(1000), table(1200), []).length, 0);
  });

  it("warns only above a 5% loss (README: table lost rows > 5%)", () => {
    const table = (rowCount: number) =>
      toInventory([{ dataset: "raw", name: "orders", columns: [], rowCount }]);
    const checks = (after: number) =>
      compareInventory(table(1000), table(after), []).map((item) => item.check);
    assert.deepEqual(checks(950), [], "exactly 5% fewer rows is not reported");
    assert.deepEqual(checks(949), ["inventory_rows_shrank"]);
  });
});
