// The demo shop on the Sunday of Black Friday weekend, run for real (generator → DuckDB → ingest → check sources →
// transform → check quality) with 400 days of history, so last year's Black Friday weekend is in the warehouse.
// Revenue, orders and the rows landed double that day, as they did a year earlier: the checks must say so, not
// suspect orders counted twice or a batch landed twice. The lifts quoted are recomputed here with DuckDB's own median over the mart.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";

// US Thanksgiving 2026-11-26 and 2025-11-27: their weekends' Sundays.
const BFCM_SUNDAY = "2026-11-29";
const BFCM_SUNDAY_LAST_YEAR = "2025-11-30";

describe("the demo shop on the Sunday of Black Friday weekend", { timeout: 180_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;
  let findings: Finding[];

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-bfcm-"));
    const config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(BFCM_SUNDAY),
      startDate: addDays(BFCM_SUNDAY, -399),
      ordersPerDay: 40,
      problems: false,
    });
    const message = parseRunMessage({
      runDate: BFCM_SUNDAY,
      runId: "bfcm",
      trigger: "manual",
      options: { skip: [], to: "check-quality" },
    });
    const report = await runLocally(config, message, {
      log: silentLogger(),
      secrets: fixedSecrets(),
      warehouse,
    });
    findings = report.records
      .filter((record) => record.step === "check-sources" || record.step === "check-quality")
      .flatMap((record) => record.findings);
  });
  after(async () => {
    await warehouse?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** The day's revenue ÷ the median of the 28 days before it, minus 1, read from the mart. */
  async function revenueLift(date: string): Promise<number> {
    const rows = await warehouse.query<{ date: string; gross_revenue: number }>(
      "SELECT date, gross_revenue FROM marts.daily_kpis WHERE date BETWEEN @from_date AND @day_date",
      { from_date: addDays(date, -28), day_date: date },
    );
    const day = Number(rows.find((row) => row.date === date)?.gross_revenue);
    const before = rows
      .filter((row) => row.date < date)
      .map((row) => Number(row.gross_revenue))
      .sort((a, b) => a - b);
    assert.equal(before.length, 28);
    return day / ((before[13]! + before[14]!) / 2) - 1;
  }

  it("raises no 'orders counted twice' nor 'a batch landed twice', and nothing above information", () => {
    assert.deepEqual(
      findings.filter((item) => /counted twice|landed twice/.test(item.message)).map((item) => item.message),
      [],
    );
    const volume = findings.filter((item) => item.subject === "shopify" && /volume/.test(item.check));
    assert.deepEqual(
      volume.map((item) => item.check),
      ["source_volume_in_line_with_last_year"],
    );
    assert.match(volume[0]?.message ?? "", /in line with Black Friday – Cyber Monday weekend last year/);
    assert.deepEqual(
      findings.filter((item) => item.severity !== "info").map((item) => item.message),
      [],
    );
  });

  it("notes revenue and orders as in line with last year's Black Friday weekend, with both lifts", async () => {
    for (const metric of ["gross_revenue", "orders"]) {
      const note = findings.filter((item) => item.subject === metric);
      assert.equal(note.length, 1, `one ${metric} finding: ${JSON.stringify(note)}`);
      assert.equal(note[0]?.check, "metric_in_line_with_last_year");
      assert.match(
        note[0]?.message ?? "",
        /in line with Black Friday – Cyber Monday weekend last year \([+]\d+% vs [+]\d+% on 2025-11-30/,
      );
    }
    const revenue = findings.find((item) => item.subject === "gross_revenue");
    const [, now, then] = /\(([+−]\d+)% vs ([+−]\d+)%/.exec(revenue?.message ?? "") ?? [];
    assert.equal(Number(now), Math.round((await revenueLift(BFCM_SUNDAY)) * 100));
    assert.equal(Number(then), Math.round((await revenueLift(BFCM_SUNDAY_LAST_YEAR)) * 100));
  });
});
