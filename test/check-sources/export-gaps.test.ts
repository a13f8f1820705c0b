// An ad platform fed by exports: a day between two exports that none covers, with nothing landed for it, is a
// warning, where the freshness check (newest day landed) sees nothing wrong and the day's spend reads as 0.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { dayRanges, exportGapFinding, exportGaps } from "../../functions/check-sources/export-gaps.ts";
import { dropThroughTransform } from "../ingest/harness.ts";

const META = { name: "facebook_ads", label: "Meta Ads", freshnessTable: "facebook_ads_insights" } as const;
const period = (start: string, end: string, rawTable = "facebook_ads_insights") => ({ rawTable, start, end });

describe("days no export covers", () => {
  it("are the days between the first and the last covered day that no period covers and no row landed for", () => {
    const periods = [
      period("2026-11-10", "2026-11-14"),
      period("2026-11-18", "2026-11-19"),
      period("2026-11-21", "2026-11-21"),
    ];
    assert.deepEqual(exportGaps(periods, "facebook_ads_insights", new Set(), "2026-11-01", "2026-11-21"), [
      "2026-11-15",
      "2026-11-16",
      "2026-11-17",
      "2026-11-20",
    ]);
    // A day some other source landed rows for (an API sync) is no gap.
    assert.deepEqual(
      exportGaps(
        periods,
        "facebook_ads_insights",
        new Set(["2026-11-16", "2026-11-20"]),
        "2026-11-01",
        "2026-11-21",
      ),
      ["2026-11-15", "2026-11-17"],
    );
    // Only the history the check reads, and only this table's exports.
    assert.deepEqual(exportGaps(periods, "facebook_ads_insights", new Set(), "2026-11-18", "2026-11-21"), [
      "2026-11-20",
    ]);
    assert.deepEqual(
      exportGaps(periods, "google_ads_campaign_stats", new Set(), "2026-11-01", "2026-11-21"),
      [],
    );
    // Overlapping and adjacent exports leave nothing uncovered; before the first and after the last is not a gap
    // (after the last, the freshness check speaks).
    assert.deepEqual(
      exportGaps(
        [
          period("2026-11-01", "2026-11-10"),
          period("2026-11-05", "2026-11-12"),
          period("2026-11-13", "2026-11-13"),
        ],
        "facebook_ads_insights",
        new Set(),
        "2026-10-01",
        "2026-11-21",
      ),
      [],
    );
  });

  it("is said as ranges, with what to do", () => {
    assert.equal(
      dayRanges(["2026-11-15", "2026-11-16", "2026-11-17", "2026-11-20"]),
      "2026-11-15 – 2026-11-17, 2026-11-20",
    );
    const finding = exportGapFinding(META, ["2026-11-20"]);
    assert.equal(finding?.severity, "warning");
    assert.equal(
      finding?.message,
      "No Meta Ads export covers 2026-11-20 (1 day between the exports dropped), and nothing landed for it: it counts as incomplete, its Meta Ads spend unknown. Drop a Meta Ads export that spans it, from a day before to a day after: an export covers every day from its first row's to its last row's, so days of no spend inside it count as complete.",
    );
    assert.equal(exportGapFinding(META, []), undefined);
  });
});

const HEADER =
  '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name","Day","Reach","Impressions","Amount spent (USD)","Link clicks","Purchases","Purchases conversion value"';
const metaExport = (...days: string[]) =>
  `${[HEADER, ...days.map((day) => `${day},${day},Prospecting,Broad,Video 1,${day},100,1000,25.00,10,1,50.00`)].join("\n")}\n`;

describe("two Meta exports with a day between them", { timeout: 120_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform("export-gap", {
      "meta-week-1.csv": metaExport("2026-11-16", "2026-11-17", "2026-11-18"),
      "meta-week-2.csv": metaExport("2026-11-20", "2026-11-21"),
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("warns that no export covers the 19th", async () => {
    const rows = await warehouse.query<{ subject: string; message: string }>(
      "SELECT subject, message FROM ops.findings WHERE step = 'check-sources' AND check_name = 'file_drop_gap'",
    );
    assert.deepEqual(
      rows.map((row) => [row.subject, row.message.split(" (")[0]]),
      [["facebook_ads", "No Meta Ads export covers 2026-11-19"]],
    );
  });
});
