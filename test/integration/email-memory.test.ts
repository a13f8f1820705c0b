// Alerts' memory through the whole local pipeline: the demo shop's raw data (Meta's last day is five days before
// 21 Nov 2026, TikTok's four), run on three consecutive dates, 19, 20 and 21 Nov, in one work dir. Meta and TikTok
// are more than a day behind on each of the three run dates (checked here from the raw tables), so their
// freshness alert fires every day: new on the 19th, day 2 on the 20th, day 3 on the 21st, each streak since the
// 19th, the first run date this work dir has. A forced re-run of the 21st keeps it day 3.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import PostalMime from "postal-mime";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { summaryEmailMarkerPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { fixedSecrets } from "../support/secrets.ts";

const LAST_DAY = "2026-11-21";
const DAYS = [addDays(LAST_DAY, -2), addDays(LAST_DAY, -1), LAST_DAY];
const secrets = fixedSecrets({ piiHashKey: "m".repeat(40) });

/** The first screen's line for a source, from the plain-text part. */
function groupLine(text: string, source: string): string {
  const lines = text.split("\n");
  const first = lines.findIndex((line) => / ALERTS? FROM \d+ SOURCES?$/.test(line));
  return (
    lines.slice(first + 1, lines.indexOf("COMPARED")).find((line) => line.startsWith(`- ${source}: `)) ?? ""
  );
}

describe("alert memory over three run dates of the local pipeline", { timeout: 300_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  const texts = new Map<string, string>();

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-email-memory-"));
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(LAST_DAY),
      startDate: addDays(LAST_DAY, -89),
      ordersPerDay: 20,
    });
    for (const runDate of DAYS) {
      const message = parseRunMessage({ runDate, runId: `run-${runDate}`, trigger: "manual", options: {} });
      const report = await runLocally(config, message, { log: silentLogger(), warehouse, secrets });
      assert.deepEqual(report.failures, [], runDate);
      const eml = await readFile(join(config.local.outboxDir, `summary-${runDate}_dtc-pulse.eml`));
      texts.set(runDate, (await PostalMime.parse(eml)).text ?? "");
    }
  });
  after(async () => {
    await warehouse?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("has Meta and TikTok more than a day behind on every run date (the premise)", async () => {
    const reader = await warehouse.rawConnection.runAndReadAll(`
      SELECT
        (SELECT CAST(max(date_start) AS VARCHAR) FROM raw.facebook_ads_insights) AS meta,
        (SELECT CAST(max(CAST(stat_time_day AS DATE)) AS VARCHAR) FROM raw.tiktok_ads_reports_daily) AS tiktok`);
    const last = reader.getRowObjectsJS()[0] as { meta: string; tiktok: string };
    for (const source of [last.meta, last.tiktok]) assert.ok(source < addDays(DAYS[0]!, -1), source);
  });

  it("says new, then day 2, then day 3, each since the first run date", () => {
    const since = "19 Nov";
    for (const source of ["Meta", "TikTok"]) {
      assert.match(groupLine(texts.get(DAYS[0]!)!, source), / · new today$/, `${source} on the 19th`);
      assert.match(
        groupLine(texts.get(DAYS[1]!)!, source),
        new RegExp(` · ongoing since ${since} \\(day 2\\)`),
      );
      assert.match(
        groupLine(texts.get(DAYS[2]!)!, source),
        new RegExp(` · ongoing since ${since} \\(day 3\\)`),
      );
    }
  });

  it("lays the pipeline's own HTML out on a 390px phone without sideways scrolling, alerts on the first screen", async () => {
    const html = await readFile(join(config.local.outboxDir, `summary-${LAST_DAY}_dtc-pulse.html`), "utf8");
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPage(browser, 390, 800);
      await page.setContent(html);
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
      for (const source of ["Meta", "TikTok"]) {
        const box = await page.getByText(source, { exact: true }).first().boundingBox();
        assert.ok(box && box.y + box.height <= 800, `${source} on the first screen: ${JSON.stringify(box)}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  it("still says day 3 after a forced re-run of the last day whose email had not gone out", async () => {
    // As if the first send of the 21st had failed: no "sent" marker, so the re-run's notify sends it.
    await rm(join(config.local.bucketDir, summaryEmailMarkerPath(LAST_DAY)));
    const message = parseRunMessage({
      runDate: LAST_DAY,
      runId: "rerun",
      trigger: "manual",
      options: { force: true },
    });
    const report = await runLocally(config, message, { log: silentLogger(), warehouse, secrets });
    assert.deepEqual(report.failures, []);
    const eml = await readFile(join(config.local.outboxDir, `summary-${LAST_DAY}_dtc-pulse.eml`));
    const text = (await PostalMime.parse(eml)).text ?? "";
    assert.ok(text.includes("Daily summary — Sat 21 Nov 2026"), "the re-sent email is the 21st's");
    for (const source of ["Meta", "TikTok"]) {
      assert.match(groupLine(text, source), / · ongoing since 19 Nov \(day 3\)/, source);
    }
    const counted = await warehouse.query<{ days: number }>(
      "SELECT COUNT(DISTINCT run_date) AS days FROM ops.findings",
    );
    assert.equal(Number(counted[0]?.days), 3);
  });
});
