// The whole daily run on the embedded default, on a small generated shop: outputs, headline numbers against
// independent queries over the raw tables, alerts, idempotent re-runs, and a failing step.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import JSZip from "jszip";
import PostalMime from "postal-mime";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb-warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { deckPath, extractPath, latestExtractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage, type RunOptions } from "../../functions/shared/run-message.ts";
import { PermanentStepError } from "../../functions/shared/step.ts";

const RUN_DATE = "2026-11-21";

interface RawTruth {
  orders: number;
  revenue: number;
  spend: number;
}

/**
 * The run date's numbers straight from the raw tables, in DuckDB's own SQL, written apart from the models:
 * the latest extraction of each record, the shop's time zone for order days, cancelled orders left out.
 */
async function rawTruth(warehouse: DuckDbWarehouse, timezone: string): Promise<RawTruth> {
  const connection = warehouse.rawConnection;
  const orders = await connection.runAndReadAll(`
    WITH latest AS (
      SELECT *, row_number() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) AS version
      FROM raw.shopify_orders
    )
    SELECT count(*)::INTEGER AS orders, coalesce(sum(total_price), 0)::DOUBLE AS revenue
    FROM latest
    WHERE version = 1 AND cancelled_at IS NULL
      AND CAST(timezone('${timezone}', created_at) AS DATE) = DATE '${RUN_DATE}'`);
  const spend = await connection.runAndReadAll(`
    SELECT (
      coalesce((SELECT sum(spend) FROM (
        SELECT spend, row_number() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) AS version
        FROM raw.facebook_ads_insights WHERE date_start = DATE '${RUN_DATE}') WHERE version = 1), 0)
      + coalesce((SELECT sum(CAST(json_extract_string(metrics, '$.spend') AS DOUBLE)) FROM (
        SELECT metrics, row_number() OVER (PARTITION BY ad_id, CAST(stat_time_day AS DATE) ORDER BY _airbyte_extracted_at DESC) AS version
        FROM raw.tiktok_ads_reports_daily WHERE CAST(stat_time_day AS DATE) = DATE '${RUN_DATE}') WHERE version = 1), 0)
      + coalesce((SELECT sum(metrics_cost_micros) / 1e6 FROM (
        SELECT metrics_cost_micros, row_number() OVER (PARTITION BY campaign_id, ad_group_id ORDER BY _airbyte_extracted_at DESC) AS version
        FROM raw.google_ads_campaign_stats WHERE segments_date = DATE '${RUN_DATE}') WHERE version = 1), 0)
    )::DOUBLE AS spend`);
  const orderRow = orders.getRowObjectsJS()[0] as { orders: number; revenue: number };
  const spendRow = spend.getRowObjectsJS()[0] as { spend: number };
  return { orders: orderRow.orders, revenue: orderRow.revenue, spend: spendRow.spend };
}

function csvRecord(text: string, key: string): Record<string, string> {
  const [header, ...lines] = text.trim().split("\n");
  const columns = (header ?? "").split(",");
  const line = lines.find((candidate) => candidate.startsWith(`${key},`));
  assert.ok(line, `no CSV row for ${key}`);
  const cells = line.split(",");
  return Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? ""]));
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

describe("a whole daily run on the embedded default", { timeout: 240_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  let truth: RawTruth;

  const message = (runId: string, options: Partial<RunOptions> = {}) =>
    parseRunMessage({ runDate: RUN_DATE, runId, trigger: "manual", options: { skip: [], ...options } });
  const bucketFile = (path: string) => join(config.local.bucketDir, path);
  const outbox = async () => (await readdir(config.local.outboxDir).catch(() => [])).sort();

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-e2e-"));
    config = loadConfig(
      { PULSE_WORK_DIR: workDir, PULSE_SHOP_NAME: "Maison Test" },
      { cwd: workDir, piiHashKey: "t".repeat(40) },
    );
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(RUN_DATE),
      startDate: addDays(RUN_DATE, -119),
      ordersPerDay: 40,
    });
    truth = await rawTruth(warehouse, config.shop.timezone);
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("runs every step and makes the extracts, the deck, the email and the ledger", async () => {
    const report = await runLocally(config, message("first"), { log: silentLogger(), warehouse });
    assert.deepEqual(report.failures, []);
    assert.deepEqual(
      report.records.map((record) => `${record.step}:${record.status}`),
      ["ingest", "check-sources", "transform", "check-quality", "export", "report", "notify"].map(
        (step) => `${step}:succeeded`,
      ),
    );
    for (const name of EXTRACT_NAMES) {
      assert.ok(await readFile(bucketFile(latestExtractPath(name))), `latest ${name}`);
      assert.ok(await readFile(bucketFile(extractPath(name, RUN_DATE))), `dated ${name}`);
    }
    const deck = await readFile(bucketFile(deckPath(RUN_DATE)));
    assert.equal(deck.subarray(0, 2).toString(), "PK");
    assert.deepEqual(await outbox(), [
      "summary-2026-11-21_dtc-pulse.eml",
      "summary-2026-11-21_dtc-pulse.html",
    ]);
  });

  it("reports headline numbers equal to independent queries over the raw data", async () => {
    assert.ok(truth.orders > 0 && truth.revenue > 0 && truth.spend > 0, "the run date has orders and spend");
    const kpis = csvRecord(await readFile(bucketFile(latestExtractPath("daily_kpis")), "utf8"), RUN_DATE);
    assert.equal(Number(kpis.orders), truth.orders);
    assert.ok(
      Math.abs(Number(kpis.gross_revenue) - truth.revenue) < 0.005,
      `revenue ${kpis.gross_revenue} vs ${truth.revenue}`,
    );
    assert.ok(
      Math.abs(Number(kpis.ad_spend) - truth.spend) < 0.005,
      `spend ${kpis.ad_spend} vs ${truth.spend}`,
    );
    assert.ok(Math.abs(Number(kpis.blended_roas) - truth.revenue / truth.spend) < 0.0001, "blended ROAS");

    const email = await PostalMime.parse(
      await readFile(join(config.local.outboxDir, "summary-2026-11-21_dtc-pulse.eml")),
    );
    const orders = truth.orders.toLocaleString("en-US");
    assert.match(email.text ?? "", new RegExp(`\\b${orders}\\b`), "orders in the email");
    const roas = (truth.revenue / truth.spend).toFixed(1);
    assert.match(email.subject ?? "", new RegExp(`ROAS ${roas.replace(".", "\\.")}`));
  });

  it("shows the injected stale sources and broken attribution in the email and on the deck", async () => {
    const email = await PostalMime.parse(
      await readFile(join(config.local.outboxDir, "summary-2026-11-21_dtc-pulse.eml")),
    );
    const zip = await JSZip.loadAsync(await readFile(bucketFile(deckPath(RUN_DATE))));
    const slides = Object.keys(zip.files).filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name));
    const deckText = (await Promise.all(slides.map((name) => zip.file(name)?.async("string") ?? ""))).join(
      "\n",
    );
    for (const expected of [
      /Meta Ads data is 5 days old \(last day 2026-11-16\)/,
      /TikTok Ads data is 4 days old \(last day 2026-11-17\)/,
      /Meta spent \$[\d,]+ with \$0 attributed revenue/,
      /TikTok spent \$[\d,]+ with \$0 attributed revenue/,
    ]) {
      assert.match(email.text ?? "", expected, `email: ${expected}`);
      assert.match(deckText, expected, `deck: ${expected}`);
    }
  });

  it("changes nothing when run again for the same date, even with --force", async () => {
    const before = await Promise.all(
      EXTRACT_NAMES.map((name) => sha256(bucketFile(latestExtractPath(name)))),
    );
    const again = await runLocally(config, message("second"), { log: silentLogger(), warehouse });
    assert.deepEqual(again.failures, []);
    assert.ok(
      again.records.every((record) => record.runId === "first"),
      "the ledger still names the first run",
    );
    const forced = await runLocally(config, message("forced", { force: true }), {
      log: silentLogger(),
      warehouse,
    });
    assert.deepEqual(forced.failures, []);
    const afterForce = await Promise.all(
      EXTRACT_NAMES.map((name) => sha256(bucketFile(latestExtractPath(name)))),
    );
    assert.deepEqual(afterForce, before, "extracts byte-identical after a forced re-run");
    assert.equal((await outbox()).filter((name) => name.endsWith(".eml")).length, 1, "exactly one email");
  });

  it("emails a permanent failure with the re-run command, and a re-run from that step completes", async () => {
    const otherDate = "2026-11-20";
    const failing = await runLocally(
      config,
      parseRunMessage({ runDate: otherDate, runId: "broken", trigger: "manual" }),
      {
        log: silentLogger(),
        warehouse,
        overrides: {
          export: async () => {
            throw new PermanentStepError("bucket refused the write");
          },
        },
      },
    );
    assert.deepEqual(
      failing.failures.map((record) => record.step),
      ["export"],
    );
    const failureEmail = (await outbox()).find((name) => name.startsWith("failure-2026-11-20-export"));
    assert.ok(failureEmail, "failure email in the outbox");
    const parsed = await PostalMime.parse(await readFile(join(config.local.outboxDir, failureEmail)));
    assert.match(parsed.subject ?? "", /FAILED at export/);
    assert.match(parsed.text ?? "", /bucket refused the write/);
    assert.match(parsed.text ?? "", /npm start -- --date 2026-11-20 --from export/);

    const resumed = await runLocally(
      config,
      parseRunMessage({
        runDate: otherDate,
        runId: "resumed",
        trigger: "manual",
        options: { from: "export" },
      }),
      { log: silentLogger(), warehouse },
    );
    assert.deepEqual(resumed.failures, []);
    assert.ok(await readFile(bucketFile(extractPath("daily_kpis", otherDate))));
    assert.ok((await outbox()).includes("summary-2026-11-20_dtc-pulse.eml"));
  });
});
