// "Drop a year of history in one go": a file drop lands old days' rows with _airbyte_extracted_at = ingest time,
// so the next warm run (no --full-refresh) sees them as changed since its watermark and rebuilds those days.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { EVERY_SOURCE_FIXTURES, fixture, RUN_DATE, TIMEZONE } from "../ingest/harness.ts";
import { fixedSecrets } from "../support/secrets.ts";

const BACKFILL_DAYS = Array.from({ length: 6 }, (_, index) => addDays(RUN_DATE, -60 + index));
const costOn = (day: string) => 100 + BACKFILL_DAYS.indexOf(day) * 10.25;

/** A Google Ads report export of old days, as the UI writes it (title, date range, total rows). */
function backfillReport(): string {
  const lines = [
    "Campaign report",
    `"${BACKFILL_DAYS[0]} - ${BACKFILL_DAYS.at(-1)}"`,
    "Campaign,Day,Campaign type,Currency code,Cost,Impr.,Clicks,Conversions,Conv. value",
    ...BACKFILL_DAYS.map(
      (day) => `Brand - Search,${day},Search,USD,${costOn(day).toFixed(2)},1000,50,1.00,80.00`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

describe("a backfilled file drop on a warm run", { timeout: 120_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;
  const run = (runDate: string, now: string) =>
    runLocally(
      config,
      parseRunMessage({
        runDate,
        runId: `run-${runDate}`,
        trigger: "manual",
        options: { skip: [], to: "transform" },
      }),
      { log: silentLogger(), warehouse, clock: { now: () => new Date(now) }, secrets: fixedSecrets() },
    );

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-backfill-"));
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: TIMEZONE }, cwd: workDir });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    bucket = new FolderBucket(config.local.bucketDir);
    // Every source once, so that every raw table exists (staging reads them all).
    for (const name of EVERY_SOURCE_FIXTURES) {
      await bucket.write(`raw/inbox/${name}`, await fixture(name));
    }
    const first = await run(RUN_DATE, "2026-11-22T12:00:00Z");
    assert.deepEqual(first.failures, []);
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("rebuilds the backfilled days, outside the run window, without a full refresh", async () => {
    await bucket.write("raw/inbox/google-ads-backfill.csv", backfillReport());
    const warm = await run(addDays(RUN_DATE, 1), "2026-11-23T12:00:00Z");
    assert.deepEqual(warm.failures, []);
    const transform = warm.records.find((record) => record.step === "transform");
    assert.match(transform?.summary ?? "", /window .* \+ 6 late-changed days/);
    const rows = await warehouse.query<{ date: string; ad_spend: number }>(
      "SELECT CAST(date AS STRING) AS date, ad_spend FROM marts.daily_kpis WHERE date BETWEEN @first_date AND @last_date ORDER BY date",
      { first_date: BACKFILL_DAYS[0] ?? "", last_date: BACKFILL_DAYS.at(-1) ?? "" },
    );
    assert.deepEqual(
      rows.map((row) => [row.date, Number(row.ad_spend)]),
      BACKFILL_DAYS.map((day) => [day, costOn(day)]),
    );
  });
});
