// The two check steps on the demo shop, run for real (generator → DuckDB → ingest → check sources → transform →
// check quality): every injected problem is reported with the right severity, a shop without problems raises
// no warning or critical finding, and a duplicated unified key blocks the run.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import PostalMime from "postal-mime";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, type DemoManifest, generateDemoData } from "../../functions/demo/generate.ts";
import { PROFILE_TARGETS } from "../../functions/check-quality/profiles.ts";
import { anomaliesPaths } from "../../functions/lib/bucket-layout.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import type { StepRecord } from "../../functions/shared/ledger.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { parseRunMessage, type RunOptions } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";

interface Shop {
  workDir: string;
  config: PulseConfig;
  warehouse: DuckDbWarehouse;
  manifest: DemoManifest;
  records: StepRecord[];
  findings: Finding[];
  /** Every labelled query of the run, with when it started and ended. */
  queries: { label: string; start: number; end: number }[];
}

async function openShop(problems: boolean, settings?: object): Promise<Shop> {
  const workDir = await mkdtemp(join(tmpdir(), "pulse-checks-"));
  const env = settings ? { PULSE_SETTINGS: JSON.stringify({ version: 1, ...settings }) } : {};
  const config = loadConfig({ env: { PULSE_WORK_DIR: workDir, ...env }, cwd: workDir });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
  const manifest = await generateDemoData(warehouse.rawConnection, "raw", {
    ...defaultDemoOptions(RUN_DATE),
    startDate: addDays(RUN_DATE, -119),
    ordersPerDay: 40,
    problems,
  });
  const queries: Shop["queries"] = [];
  const query = warehouse.query.bind(warehouse);
  warehouse.query = async (sql, params, options) => {
    const start = performance.now();
    try {
      return await query(sql, params, options);
    } finally {
      queries.push({ label: options?.label ?? "", start, end: performance.now() });
    }
  };
  const report = await runLocally(config, message("checks", { to: "check-quality" }), {
    log: silentLogger(),
    secrets: fixedSecrets(),
    warehouse,
  });
  const records = report.records.filter(
    (record) => record.step === "check-sources" || record.step === "check-quality",
  );
  return {
    workDir,
    config,
    warehouse,
    manifest,
    records,
    findings: records.flatMap((record) => record.findings),
    queries,
  };
}

function message(runId: string, options: Partial<RunOptions> = {}) {
  return parseRunMessage({ runDate: RUN_DATE, runId, trigger: "manual", options: { skip: [], ...options } });
}

async function closeShop(shop: Shop | undefined): Promise<void> {
  if (!shop) return;
  await shop.warehouse.close();
  await rm(shop.workDir, { recursive: true, force: true });
}

function only(findings: readonly Finding[], check: string, subject?: string): Finding {
  const matches = findings.filter(
    (item) => item.check === check && (subject === undefined || item.subject === subject),
  );
  assert.equal(
    matches.length,
    1,
    `one ${check} ${subject ?? ""} finding, got ${JSON.stringify(matches, null, 2)}`,
  );
  return matches[0] as Finding;
}

describe("checks on the demo shop with its injected problems", { timeout: 180_000 }, () => {
  let shop: Shop;
  before(async () => {
    shop = await openShop(true);
  });
  after(async () => closeShop(shop));

  it("runs both checks to success without blocking: every problem is a warning or critical, none blocks", () => {
    assert.deepEqual(
      shop.records.map((record) => `${record.step}:${record.status}`),
      ["check-sources:succeeded", "check-quality:succeeded"],
    );
    assert.equal(shop.findings.filter((item) => item.blocking).length, 0);
  });

  it("runs the audits and the column profiles side by side with the other checks' queries", () => {
    const named = (prefix: string) => {
      const found = shop.queries.find((item) => item.label.startsWith(prefix));
      assert.ok(found, `a query labelled ${prefix}…`);
      return found;
    };
    const audits = named("audits (");
    const profiles = named("column profiles (");
    const checks = ["attribution", "daily kpis history", "spend history"].map(named);
    const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
      a.start < b.end && b.start < a.end;
    // One after the other before: the audits, then the other checks, then the profiles.
    assert.ok(
      checks.some((check) => overlaps(audits, check)),
      "the audits ran while another check's query did",
    );
    assert.ok(
      profiles.start < Math.max(...checks.map((check) => check.end)),
      "the profiles did not wait for them",
    );
  });

  it("reports stale Meta and TikTok as critical, with the day their data stops", () => {
    const [meta, tiktok] = shop.manifest.injected.staleSources;
    const metaFinding = only(shop.findings, "source_freshness", "facebook_ads");
    assert.equal(metaFinding.severity, "critical");
    assert.equal(metaFinding.observed, meta?.lastDay);
    assert.match(
      metaFinding.message,
      /^Meta Ads data is 5 days old \(last day 2026-11-16\)\. ROAS for Meta is not meaningful/,
    );
    const tiktokFinding = only(shop.findings, "source_freshness", "tiktok_ads");
    assert.equal(tiktokFinding.severity, "critical");
    assert.equal(tiktokFinding.observed, tiktok?.lastDay);
    assert.match(tiktokFinding.message, /^TikTok Ads data is 4 days old \(last day 2026-11-17\)/);
    assert.equal(
      shop.findings.filter((item) => item.check === "source_freshness").length,
      2,
      "Shopify and Google are fresh",
    );
  });

  it("reports the broken attribution of both channels in the last 7 days as critical, and the coverage drop", () => {
    for (const [channel, label] of [
      ["meta", "Meta"],
      ["tiktok", "TikTok"],
    ] as const) {
      const broken = only(shop.findings, "attribution_broken", channel);
      assert.equal(broken.severity, "critical");
      assert.match(broken.message, new RegExp(`^${label} spent \\$[\\d,]+ with \\$0 attributed revenue`));
    }
    const coverage = only(shop.findings, "attribution_coverage");
    assert.equal(coverage.severity, "warning");
    assert.match(coverage.message, /Meta \(0\.0% of orders/);
    assert.match(coverage.message, /TikTok \(0\.0% of orders/);
  });

  it("reports the duplicated batch and the NULL order values as warnings", () => {
    const { duplicatedBatch } = shop.manifest.injected;
    const batch = only(shop.findings, "duplicated_raw_batch");
    assert.equal(batch.severity, "warning");
    assert.equal(batch.subject, `shopify_orders ${duplicatedBatch.day}`);
    const nulls = only(shop.findings, "null_order_values");
    assert.equal(nulls.severity, "warning");
    assert.equal(nulls.column, "total_price");
    assert.ok(Number(nulls.observed) > 0);
    assert.match(nulls.message, /have no order value \(total_price is NULL\)/);
  });

  it("gives every finding a severity, a subject, an expected value and one sentence", () => {
    for (const finding of shop.findings) {
      assert.ok(finding.subject, `${finding.check} has a subject`);
      assert.ok(finding.expected !== undefined, `${finding.check} has an expected value`);
      assert.match(finding.message, /^[A-Z0-9].*[.:]/, `${finding.check}: ${finding.message}`);
    }
  });

  it("writes the anomalies file, the findings history and the column profiles", async () => {
    const paths = anomaliesPaths(RUN_DATE);
    const markdown = await readFile(join(shop.config.local.bucketDir, paths.markdown), "utf8");
    // For people, in the en-US demo shop's words for its dates; the JSON below keeps the stored sentences.
    assert.match(markdown, /^# Checks for Sat 21 Nov 2026/);
    assert.match(markdown, /## Critical/);
    assert.match(markdown, /Meta Ads data is 5 days old \(last day Mon 16 Nov 2026\)/);
    const json = JSON.parse(await readFile(join(shop.config.local.bucketDir, paths.json), "utf8")) as {
      counts: { critical: number; blocking: number };
      findings: Finding[];
    };
    assert.equal(json.counts.blocking, 0);
    assert.equal(json.findings.length, shop.findings.length);
    assert.ok(json.findings.some((finding) => finding.message.includes("(last day 2026-11-16)")));

    const history = await shop.warehouse.query<{ findings: number }>(
      "SELECT COUNT(*) AS findings FROM ops.findings WHERE run_date = @run_date",
      { run_date: RUN_DATE },
    );
    assert.equal(Number(history[0]?.findings), shop.findings.length);

    const profiles = await shop.warehouse.query<{
      table_name: string;
      column_name: string;
      null_count: number;
      row_count: number;
    }>(
      `SELECT table_name, column_name, null_count, row_count FROM ops.column_profiles
       WHERE run_date = @run_date ORDER BY table_name, column_name`,
      { run_date: RUN_DATE },
    );
    const declared = PROFILE_TARGETS.flatMap((target) =>
      target.columns.map((column) => ({ target, column: column.name })),
    );
    assert.equal(profiles.length, declared.length);
    // Each column's profile (its query ran beside the others) is that column's, counted here independently.
    for (const { target, column } of declared) {
      const [expected] = await shop.warehouse.query<{ row_count: number; null_count: number }>(
        `SELECT COUNT(*) AS row_count, COUNTIF(${column} IS NULL) AS null_count FROM ${target.table}
         WHERE ${target.dateColumn} = @run_date`,
        { run_date: RUN_DATE },
      );
      const profile = profiles.find((row) => row.table_name === target.table && row.column_name === column);
      assert.deepEqual(
        [Number(profile?.row_count), Number(profile?.null_count)],
        [Number(expected?.row_count), Number(expected?.null_count)],
        `${target.table}.${column}`,
      );
    }
    const totalPrice = profiles.find(
      (row) => row.table_name === "unified.shopify_unified" && row.column_name === "total_price",
    );
    assert.ok(totalPrice && Number(totalPrice.row_count) > 0);
    const nullsToday = shop.manifest.injected.nullOrderValues.days.includes(RUN_DATE);
    assert.equal(
      Number(totalPrice.null_count) > 0,
      nullsToday,
      "the NULL order values of the run date are profiled",
    );
  });

  it("blocks the run when a unified key is duplicated: no export, report or summary, the failure email instead", async () => {
    await shop.warehouse.rawConnection.run(
      `INSERT INTO unified.shopify_unified SELECT * FROM unified.shopify_unified
       WHERE order_date = DATE '${RUN_DATE}' LIMIT 1`,
    );
    // The rest of the chain after check-quality, as the README promises it: "a blocking finding stops it before
    // export (dashboards never show bad data) and sends the failure email instead".
    const report = await runLocally(
      shop.config,
      message("duplicate", { from: "check-quality", force: true }),
      { log: silentLogger(), warehouse: shop.warehouse, secrets: fixedSecrets() },
    );
    const record = report.records.find((item) => item.step === "check-quality");
    assert.equal(record?.status, "blocked");
    const duplicate = only(record?.findings ?? [], "audit_unique_shopify_unified");
    assert.equal(duplicate.severity, "critical");
    assert.equal(duplicate.blocking, true);
    assert.equal(duplicate.table, "unified.shopify_unified");
    assert.match(duplicate.message, /Export is stopped/);

    const ran = report.records.filter((item) => item.runId === "duplicate").map((item) => item.step);
    assert.deepEqual(ran, ["check-quality"], "export, report and notify recorded nothing for this run");
    assert.deepEqual(await readdir(join(shop.config.local.bucketDir, "extracts")).catch(() => []), []);
    const outbox = await readdir(shop.config.local.outboxDir);
    assert.deepEqual(
      outbox.filter((name) => name.endsWith(".eml")),
      [`failure-${RUN_DATE}-check-quality-duplicate_dtc-pulse.eml`],
      "the failure email, and no summary email",
    );
    const email = await PostalMime.parse(
      await readFile(
        join(shop.config.local.outboxDir, `failure-${RUN_DATE}-check-quality-duplicate_dtc-pulse.eml`),
      ),
    );
    assert.match(email.subject ?? "", /check-quality/);
    assert.match(email.text ?? "", /shopify_unified/);
  });
});

describe("checks on the demo shop without problems", { timeout: 180_000 }, () => {
  let shop: Shop;
  before(async () => {
    shop = await openShop(false);
  });
  after(async () => closeShop(shop));

  it("raises no warning and no critical finding (no crying wolf)", () => {
    assert.deepEqual(
      shop.records.map((record) => `${record.step}:${record.status}`),
      ["check-sources:succeeded", "check-quality:succeeded"],
    );
    const alarming = shop.findings.filter((item) => item.severity !== "info");
    assert.deepEqual(
      alarming.map((item) => `${item.severity} ${item.check}: ${item.message}`),
      [],
    );
  });
});

describe("a source the shop says it does not use", { timeout: 180_000 }, () => {
  let shop: Shop;
  before(async () => {
    // TikTok rows are in the warehouse (the demo lands them, stale and with broken UTMs), but the settings say
    // the shop does not use TikTok: nothing about it may reach the findings.
    shop = await openShop(true, { quality: { sources: { tiktok_ads: { expected: false } } } });
  });
  after(async () => closeShop(shop));

  it("raises nothing about it, while the sources it uses are still checked", () => {
    const alerts = shop.findings.filter((item) => item.severity !== "info");
    const aboutTikTok = alerts.filter((item) =>
      [item.source, item.subject, item.message].some((text) => /tiktok/i.test(String(text ?? ""))),
    );
    assert.deepEqual(aboutTikTok, []);
    // Meta is used: its stale data and its broken attribution are still critical.
    assert.equal(only(shop.findings, "source_freshness", "facebook_ads").severity, "critical");
    assert.ok(alerts.some((item) => item.check === "attribution_broken" && item.subject === "meta"));
  });
});
