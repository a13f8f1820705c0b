// Alerts with a memory, through the real findings store on a real DuckDB warehouse: three consecutive run dates
// (19, 20, 21 Nov 2026) save their findings to ops.findings as check-sources and check-quality do, and each day's
// email is built from what the notify step loads (loadSummaryExtras). The expected streaks are worked out by hand
// from the table of which alert fired on which day:
//
//   alert                               19 Nov     20 Nov     21 Nov
//   Meta source_freshness               critical   critical   critical    → new, day 2, day 3
//   TikTok attribution_broken           warning    —          warning     → new, resolved, new again
//   Shopify source_volume               —          warning    critical    → —, new, day 2 (severity changed)
//   Shopify inventory_new_column (info) info       info       info        → never an alert
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { saveFindings } from "../../functions/lib/quality/findings-store.ts";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { loadSummaryExtras } from "../../functions/notify/summary-inputs.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { buildReportData } from "../report/report-data-fixture.ts";

const [DAY1, DAY2, DAY3] = ["2026-11-19", "2026-11-20", "2026-11-21"] as const;

const finding = (
  check: string,
  subject: string,
  severity: Finding["severity"],
  message: string,
  extra: Partial<Finding> = {},
): Finding => ({
  check,
  step: check === "attribution_broken" ? "check-quality" : "check-sources",
  severity,
  blocking: false,
  subject,
  message,
  ...extra,
});

const metaStale = (day: string) =>
  finding("source_freshness", "facebook_ads", "critical", `Meta Ads is behind on ${day}.`, {
    source: "facebook_ads",
  });
const tiktokAttribution = finding("attribution_broken", "tiktok", "warning", "TikTok has $0 attributed.");
const shopifyVolume = (severity: Finding["severity"]) =>
  finding("source_volume", "shopify", severity, "Shopify landed few rows.", { source: "shopify" });
const newColumn = finding("inventory_new_column", "shopify_orders", "info", "2 new columns.");

const FINDINGS_BY_DAY: Record<string, Finding[]> = {
  [DAY1]: [metaStale(DAY1), tiktokAttribution, newColumn],
  [DAY2]: [metaStale(DAY2), shopifyVolume("warning"), newColumn],
  [DAY3]: [metaStale(DAY3), tiktokAttribution, shopifyVolume("critical"), newColumn],
};

/** The report fixture moved to `runDate`: the marts up to that day, that day's findings. */
function reportFor(runDate: string): ReportData {
  const data = buildReportData({ findings: FINDINGS_BY_DAY[runDate] ?? [] });
  return {
    ...data,
    runDate,
    daily: data.daily.filter((row) => row.date <= runDate),
    channels: data.channels.filter((row) => row.date <= runDate),
  };
}

/** The group line of the first screen for a source, from the plain-text part. */
function groupLine(text: string, source: string): string {
  const lines = text.split("\n");
  const first = lines.findIndex((line) => / ALERTS? FROM \d+ SOURCES?$/.test(line));
  const last = lines.indexOf("COMPARED");
  if (first < 0) return "";
  return lines.slice(first + 1, last).find((line) => line.startsWith(`- ${source}: `)) ?? "";
}
const resolvedLine = (text: string) =>
  text.split("\n").find((line) => line.startsWith("Resolved since yesterday: ")) ?? "";

describe("alert memory across run dates (ops.findings on DuckDB)", { timeout: 60_000 }, () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;

  const context = (runDate: string) =>
    ({
      message: { runDate, runId: `run-${runDate}` },
      config: loadConfig({ env: {}, cwd: dir }),
      ports: { warehouse, bucket },
      log: silentLogger(),
    }) as unknown as StepContext;

  /** One run date as the pipeline does it: the checks save the findings, then notify builds the email. */
  async function runDay(runDate: string): Promise<string> {
    await saveFindings(warehouse, runDate, FINDINGS_BY_DAY[runDate] ?? []);
    const extras = await loadSummaryExtras(context(runDate));
    return buildSummaryEmail(reportFor(runDate), extras).text;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-memory-"));
    bucket = new FolderBucket(join(dir, "bucket"));
    warehouse = await DuckDbWarehouse.open(":memory:");
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("says new on the first day, before ops.findings has any history", async () => {
    const extras = await loadSummaryExtras(context(DAY1));
    assert.deepEqual(extras.alertHistory, [], "no ops.findings table yet: no history, no error");
    const text = await runDay(DAY1);
    assert.match(groupLine(text, "Meta"), / · new today$/);
    assert.match(groupLine(text, "TikTok"), / · new today$/);
    assert.equal(resolvedLine(text), "");
  });

  it("counts the streak on the second day and says what stopped since yesterday", async () => {
    const text = await runDay(DAY2);
    assert.match(groupLine(text, "Meta"), / · ongoing since 19 Nov \(day 2\)$/);
    assert.match(groupLine(text, "Shopify"), / · new today$/);
    assert.equal(groupLine(text, "TikTok"), "", "TikTok has no alert on the 20th");
    assert.equal(resolvedLine(text), "Resolved since yesterday: TikTok: attribution broken (1 day).");
  });

  it("keeps counting on the third day; an alert that returns starts a new streak", async () => {
    const text = await runDay(DAY3);
    assert.match(groupLine(text, "Meta"), / · ongoing since 19 Nov \(day 3\)$/);
    // Warning on the 20th, critical on the 21st: the same alert, day 2.
    assert.match(groupLine(text, "Shopify"), / · ongoing since 20 Nov \(day 2\)$/);
    assert.match(groupLine(text, "TikTok"), / · new today$/, "fired on the 19th, not the 20th: new again");
    assert.equal(resolvedLine(text), "");
    assert.ok(
      // The stored sentence's date as the shop's locale (en-US) writes it.
      text.includes(
        "- [CRITICAL] Meta · ongoing since 19 Nov (day 3): Meta Ads is behind on Sat 21 Nov 2026.",
      ),
    );
    assert.ok(!text.includes("2 new columns"), "an informational finding is not an alert");
  });

  it("says the same after a re-run of the third day (a re-run replaces the day, it does not add one)", async () => {
    const first = buildSummaryEmail(reportFor(DAY3), await loadSummaryExtras(context(DAY3))).text;
    const rerun = await runDay(DAY3);
    const again = await runDay(DAY3);
    assert.equal(rerun, first);
    assert.equal(again, first);
    assert.match(groupLine(again, "Meta"), /\(day 3\)$/);
    const counted = await warehouse.query<{ days: number }>(
      "SELECT COUNT(DISTINCT run_date) AS days FROM ops.findings",
    );
    assert.equal(Number(counted[0]?.days), 3);
  });

  it("re-running an earlier day after later ones still tells that day's story", async () => {
    const text = await runDay(DAY2);
    assert.match(groupLine(text, "Meta"), / · ongoing since 19 Nov \(day 2\)$/);
    assert.equal(resolvedLine(text), "Resolved since yesterday: TikTok: attribution broken (1 day).");
  });
});
