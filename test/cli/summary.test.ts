// The closing summary's list of what the run made: after a run of an older date, extracts/latest/ still holds the
// newest date's files, so the summary lists this run's dated extracts and says how latest/ will show its changes;
// and files left unread in the inbox are named as such; and after all history was rebuilt without ingest, the days
// of ad spend that no exchange rate converts, with the command that fetches their rates.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { printSummary } from "../../functions/cli/summary.ts";
import {
  extractPath,
  INBOX_PREFIX,
  LATEST_EXTRACTS_STATE_PATH,
  latestExtractPath,
} from "../../functions/lib/bucket-layout.ts";
import type { LocalRunReport } from "../../functions/runtime/local-run.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import type { StepResult } from "../../functions/shared/step.ts";
import { metaAdDay } from "../support/raw-ad-rows.ts";
import { germanLongDate } from "../support/reader-dates.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

describe("the run summary's extracts", () => {
  let dir: string;
  let bucket: FolderBucket;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-summary-"));
    bucket = new FolderBucket(join(dir, "bucket"));
    for (const name of EXTRACT_NAMES) {
      await bucket.write(latestExtractPath(name), "date\n2026-12-03\n");
      await bucket.write(extractPath(name, "2026-12-02"), "date\n2026-12-02\n");
      await bucket.write(extractPath(name, "2026-12-03"), "date\n2026-12-03\n");
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** The summary's lines for a run of `runDate` (no step ran: no numbers, only what exists in the bucket). */
  async function summaryOf(runDate: string, failureEmailsNotSent: string[] = []): Promise<string[]> {
    const report = {
      message: parseRunMessage({ runDate, runId: `summary-${runDate}`, trigger: "manual" }),
      records: [],
      failures: [],
      notDone: [],
      failureEmailsNotSent,
      ports: { bucket, warehouse: {} },
      warehouseStats: { engineMs: 0 },
      expired: [],
      wallMs: 0,
    } as unknown as LocalRunReport;
    const lines: string[] = [];
    await printSummary(report, loadConfig({ env: {}, cwd: dir }), (line) => lines.push(line));
    return lines;
  }

  it("says when a failure email could not be sent, with the mail server's answer", async () => {
    const lines = await summaryOf("2026-12-03", ["451 4.7.1 Greylisted, try again later"]);
    assert.equal(lines.at(-1), "FAILURE EMAIL NOT SENT: 451 4.7.1 Greylisted, try again later");
  });

  it("says how many dropped files wait unread in the inbox, and how to read them", async () => {
    await bucket.write(LATEST_EXTRACTS_STATE_PATH, `${JSON.stringify({ runDate: "2026-12-03" })}\n`);
    assert.doesNotMatch((await summaryOf("2026-12-03")).join("\n"), /Not read/);
    await bucket.write(`${INBOX_PREFIX}orders_export (1).csv`, "Name\n");
    await bucket.write(`${INBOX_PREFIX}meta.csv`, "Day\n");
    const lines = (await summaryOf("2026-12-03")).join("\n");
    assert.match(
      lines,
      /Not read: 2 file\(s\) in .*raw\/inbox\/ were not read by this run; a run without --date loads them first, or now: npm start -- --date 2026-12-03 --force/,
    );
    await rm(join(bucket.location, INBOX_PREFIX), { recursive: true, force: true });
  });

  it("lists latest/ for a run of the date latest/ shows", async () => {
    await bucket.write(LATEST_EXTRACTS_STATE_PATH, `${JSON.stringify({ runDate: "2026-12-03" })}\n`);
    const lines = (await summaryOf("2026-12-03")).join("\n");
    assert.ok(lines.includes(join(bucket.location, latestExtractPath("daily_kpis"))), lines);
    assert.doesNotMatch(lines, /still shows/);
  });

  it("lists an older date's own dated extracts, and how latest/ comes to show its changes", async () => {
    await bucket.write(LATEST_EXTRACTS_STATE_PATH, `${JSON.stringify({ runDate: "2026-12-03" })}\n`);
    const lines = await summaryOf("2026-12-02");
    const text = lines.join("\n");
    for (const name of EXTRACT_NAMES) {
      assert.ok(text.includes(join(bucket.location, extractPath(name, "2026-12-02"))), `${name}: ${text}`);
    }
    assert.ok(!text.includes("extracts/latest/daily_kpis.csv"), "latest/ is not presented as this run's");
    assert.match(
      text,
      /extracts\/latest\/ \(what Looker Studio reads\) still shows 2026-12-03, the newest run date; .*npm start -- --date 2026-12-03 --from export --force/,
    );
  });

  it("after a newer date's run that stopped before export, says latest/ waits for that date's export", async () => {
    // latest/ shows 2026-12-02; the run of 2026-12-03 ended before its export (--to check-sources, a failure).
    await bucket.write(LATEST_EXTRACTS_STATE_PATH, `${JSON.stringify({ runDate: "2026-12-02" })}\n`);
    const text = (await summaryOf("2026-12-03")).join("\n");
    assert.doesNotMatch(text, /the newest run date/, "2026-12-02 is older than this run's date");
    assert.doesNotMatch(
      text,
      /--date 2026-12-02/,
      "exporting the older date again does not bring 2026-12-03",
    );
    assert.match(
      text,
      /extracts\/latest\/ \(what Looker Studio reads\) still shows 2026-12-02: this run did not export 2026-12-03; .*npm start -- --date 2026-12-03$/m,
    );
  });
});

describe("the run summary's numbers", () => {
  /** The lines the summary prints for a run of `runDate` whose daily KPI row is `kpis`, in a shop's locale. */
  async function summaryLines(options: {
    runDate: string;
    kpis: Record<string, unknown>;
    findings?: Finding[];
    env: Record<string, string>;
  }): Promise<string[]> {
    const dir = await mkdtemp(join(tmpdir(), "pulse-summary-numbers-"));
    try {
      const report = {
        message: parseRunMessage({ runDate: options.runDate, runId: "summary-numbers", trigger: "manual" }),
        records: [{ step: "transform", status: "succeeded", findings: options.findings ?? [] }],
        failures: [],
        notDone: [],
        failureEmailsNotSent: [],
        ports: {
          bucket: new FolderBucket(join(dir, "bucket")),
          warehouse: { query: async () => [options.kpis] },
        },
        warehouseStats: { engineMs: 0 },
        expired: [],
        wallMs: 0,
      } as unknown as LocalRunReport;
      const lines: string[] = [];
      await printSummary(report, loadConfig({ env: options.env, cwd: dir }), (line) => lines.push(line));
      return lines;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("asks for the exchange rate of a platform whose rows landed without one, not for its data", async () => {
    const lines = await summaryLines({
      runDate: "2026-11-16",
      kpis: {
        orders: 12,
        gross_revenue: 1800,
        ad_spend: 40,
        blended_roas: 45,
        aov: 150,
        missing_sources: "facebook_ads,tiktok_ads",
        unconverted_sources: "facebook_ads:USD",
      },
      env: { PULSE_CURRENCY: "EUR", PULSE_LOCALE: "en-US" },
    });
    assert.equal(
      lines.find((line) => line.startsWith("Mon 16 Nov 2026:")),
      "Mon 16 Nov 2026: revenue €1,800.00 · 12 orders · AOV €150.00 · ad spend €40.00 · blended ROAS 45.00× (incomplete: spend and ROAS exclude TikTok, not landed; Meta: spend not converted — no USD exchange rate for Mon 16 Nov 2026)",
    );
  });

  it("names the figures a missing source leaves out: Shopify's orders, not the ad spend", async () => {
    // A shop whose Meta export landed and whose orders did not: the revenue is what is missing, the spend is whole.
    const lines = await summaryLines({
      runDate: "2026-11-20",
      kpis: {
        orders: 0,
        gross_revenue: 0,
        ad_spend: 12.5,
        blended_roas: 0,
        aov: null,
        missing_sources: "shopify",
      },
      env: { PULSE_CURRENCY: "EUR", PULSE_LOCALE: "en-US" },
    });
    assert.equal(
      lines.find((line) => line.startsWith("Fri 20 Nov 2026:")),
      "Fri 20 Nov 2026: revenue €0.00 · 0 orders · AOV n/a · ad spend €12.50 · blended ROAS 0.00× (incomplete: revenue, orders, AOV and ROAS exclude Shopify, not landed)",
    );
    const both = await summaryLines({
      runDate: "2026-11-20",
      kpis: {
        orders: 0,
        gross_revenue: 0,
        ad_spend: 0,
        blended_roas: null,
        aov: null,
        missing_sources: "shopify,facebook_ads",
      },
      env: { PULSE_CURRENCY: "EUR", PULSE_LOCALE: "en-US" },
    });
    assert.match(
      both.find((line) => line.startsWith("Fri 20 Nov 2026:")) ?? "",
      /\(incomplete: revenue, orders, AOV, spend and ROAS exclude Shopify, Meta, not landed\)$/,
    );
  });

  it("are written in the shop's locale, with its missing sources named as people know them", async () => {
    const stale: Finding = {
      check: "source_freshness",
      step: "check-sources",
      severity: "critical",
      blocking: false,
      subject: "facebook_ads",
      message: "Meta Ads data is 5 days old (last day 2026-11-28).",
    };
    const lines = await summaryLines({
      runDate: "2026-12-03",
      kpis: {
        orders: 1234,
        gross_revenue: 9070.35,
        ad_spend: 173.2,
        blended_roas: 52.3697,
        aov: 151.225,
        missing_sources: "facebook_ads,tiktok_ads",
      },
      findings: [stale],
      env: { PULSE_CURRENCY: "EUR", PULSE_LOCALE: "de-DE" },
    });
    // German groups thousands with "." and writes decimals with ",", the euro after the amount (a no-break
    // space between); Meta and TikTok as the email names them; the day as German writes it ("Do. 3. Dez. 2026").
    const day = germanLongDate("2026-12-03");
    assert.equal(
      lines.find((line) => line.startsWith(`${day}:`))?.replace(/\u00a0/g, " "),
      `${day}: revenue 9.070,35 € · 1.234 orders · AOV 151,23 € · ad spend 173,20 € · blended ROAS 52,37× (incomplete: spend and ROAS exclude Meta, TikTok, not landed)`,
    );
    // The alert's stored ISO day, as the email shows it to the same reader.
    assert.ok(
      lines.includes(`  CRITICAL Meta Ads data is 5 days old (last day ${germanLongDate("2026-11-28")}).`),
      lines.join("\n"),
    );
  });
});

describe(
  "the run summary after all history was rebuilt without ingest: the exchange rates it did not fetch",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const RUN_DATE = "2026-11-21";
    const EUR_SHOP = { PULSE_CURRENCY: "EUR", PULSE_TIMEZONE: "Europe/Paris" };
    /** USD micros a Meta account spent: two September days and one in the run window. */
    const META_SPEND: Record<string, bigint> = {
      "2026-09-14": 80_000_000n,
      "2026-09-15": 45_670_000n,
      "2026-11-20": 123_450_000n,
    };
    let dir: string;
    let warehouse: DuckDbWarehouse;
    /** The transform's result of a --full-refresh, and of the daily run after it (its window only). */
    let full: StepResult;
    let daily: StepResult;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "pulse-summary-rates-"));
      warehouse = await openFixtureWarehouse();
      await insertRaw(
        warehouse,
        "facebook_ads_insights",
        Object.entries(META_SPEND).map(([day, spend]) =>
          metaAdDay({ day, spend, value: 0n, currency: "USD", campaign: "US", account: "act_1", ad: "a1" }),
        ),
      );
      full = await buildModels(warehouse, RUN_DATE, { fullRefresh: true, env: EUR_SHOP });
      daily = await buildModels(warehouse, RUN_DATE, { env: EUR_SHOP });
    });
    after(async () => {
      await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** The summary of a run whose transform gave `transform`, with an ingest of the same run or not. */
    async function summaryOf(
      transform: StepResult,
      options: { ingest?: boolean; env?: Record<string, string> } = {},
    ): Promise<string[]> {
      const runId = "summary-rates";
      const record = (step: string, metrics: Record<string, number>) => ({
        step,
        runId,
        status: "succeeded",
        findings: [],
        outputs: [],
        metrics,
      });
      const report = {
        message: parseRunMessage({ runDate: RUN_DATE, runId, trigger: "manual" }),
        records: [
          ...(options.ingest ? [record("ingest", {})] : []),
          record("transform", transform.metrics ?? {}),
        ],
        failures: [],
        notDone: [],
        failureEmailsNotSent: [],
        ports: { bucket: new FolderBucket(join(dir, "bucket")), warehouse },
        warehouseStats: { engineMs: 0 },
        expired: [],
        wallMs: 0,
      } as unknown as LocalRunReport;
      const lines: string[] = [];
      await printSummary(report, loadConfig({ env: { ...EUR_SHOP, ...options.env }, cwd: dir }), (line) =>
        lines.push(line),
      );
      return lines;
    }
    const note = (lines: string[]) => lines.filter((line) => line.startsWith("Not fetched: exchange rates"));

    it("names the days spent in a currency without a rate, and the command that fetches them", async () => {
      // Every Meta day is in dollars and raw.fx_rates is empty: each of them lacks the dollar's rate.
      const days = Object.keys(META_SPEND).sort();
      assert.deepEqual(note(await summaryOf(full)), [
        `Not fetched: exchange rates. This run rebuilt all history without ingest, which fetches them: ${days.length} days of USD ad spend from ${days[0]} have no rate and count 0. To fetch them and convert those days (a currency the ECB does not quote needs an fx_rates.csv in the inbox): npm start -- --date ${RUN_DATE} --full-refresh --force`,
      ]);
    });

    it("says nothing when ingest ran in the same run, the transform rebuilt its window only, or rates come from files", async () => {
      assert.deepEqual(note(await summaryOf(full, { ingest: true })), []);
      assert.deepEqual(note(await summaryOf(daily)), []);
      assert.deepEqual(note(await summaryOf(full, { env: { PULSE_EXCHANGE_RATES_SOURCE: "files" } })), []);
    });

    it("counts a day whose latest rate is up to 7 days older as converted, as staging does, and says nothing once all are", async () => {
      const rate = (date: string, value: string) => ({
        date,
        currency: "USD",
        rate: value,
        _airbyte_extracted_at: "2026-11-21T09:00:00Z",
      });
      // Monday the 7th stands for the 14th (7 days later), not the 15th (8).
      await insertRaw(warehouse, "fx_rates", [rate("2026-09-07", "1.1690"), rate("2026-11-20", "1.0856")]);
      assert.match(
        note(await summaryOf(full))[0] ?? "",
        /: 1 day of USD ad spend from 2026-09-15 has no rate and counts 0\./,
      );
      // Friday the 11th covers the 15th.
      await insertRaw(warehouse, "fx_rates", [rate("2026-09-11", "1.1700")]);
      assert.deepEqual(note(await summaryOf(full)), []);
    });
  },
);
