// The whole daily run on the embedded default, on a small generated shop: outputs, headline numbers against
// independent queries over the raw tables, alerts, idempotent re-runs, and a failing step.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import JSZip from "jszip";
import PostalMime from "postal-mime";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { deckPath, extractPath, latestExtractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { printSummary } from "../../functions/cli/summary.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { createLogger, silentLogger } from "../../functions/lib/logger.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage, type RunOptions } from "../../functions/shared/run-message.ts";
import { PermanentStepError } from "../../functions/shared/step.ts";
import { fixedSecrets } from "../support/secrets.ts";
import { parse } from "csv-parse/sync";
import { EMAIL_COLORS } from "../../functions/lib/reporting/html.ts";
import {
  chartOnSlide,
  GREEN,
  openDeck,
  paragraphs,
  shapeNamed,
  slideWithTitle,
  tableRows,
  texts,
} from "../report/pptx-reader.ts";

const secrets = fixedSecrets({ piiHashKey: "t".repeat(40) });

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
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_SHOP_NAME: "Maison Test" }, cwd: workDir });
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
    // In order: the steps' log lines, each write to the warehouse, and the background checkpoint.
    const events: string[] = [];
    // How each whole build put its rows in partition order (a first run builds every model whole).
    const rowOrders: Record<string, string> = {};
    let step = "";
    const log = createLogger({
      format: "json",
      minLevel: "debug",
      write: (line) => {
        const entry = JSON.parse(line) as {
          message: string;
          step?: string;
          model?: string;
          rowOrder?: string;
        };
        if (entry.message === "model built" && entry.model && entry.rowOrder)
          rowOrders[entry.model] = entry.rowOrder;
        if (/^step (started|succeeded)$/.test(entry.message)) events.push(`${entry.step} ${entry.message}`);
        if (entry.message === "step started") step = entry.step ?? "";
      },
    });
    const spied = warehouse as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of ["load", "execute", "materialize", "checkpointInBackground"]) {
      const original = spied[method] as (...args: unknown[]) => unknown;
      spied[method] = (...args: unknown[]) => {
        events.push(method === "checkpointInBackground" ? "checkpoint" : `${step} writes`);
        return original.apply(warehouse, args);
      };
    }
    let report: Awaited<ReturnType<typeof runLocally>>;
    try {
      report = await runLocally(config, message("first"), { log, warehouse, secrets });
    } finally {
      for (const method of ["load", "execute", "materialize", "checkpointInBackground"]) delete spied[method];
    }
    // Export, report and notify only read: the run's changes are checkpointed once, as soon as check-quality,
    // the last step that writes, has succeeded.
    const checkpoint = events.indexOf("checkpoint");
    assert.equal(events.lastIndexOf("checkpoint"), checkpoint, events.join("\n"));
    assert.equal(events[checkpoint - 1], "check-quality step succeeded", events.join("\n"));
    assert.equal(events[checkpoint + 1], "export step started", events.join("\n"));
    const writers = new Set(
      events.filter((event) => event.endsWith(" writes")).map((event) => event.split(" ")[0]),
    );
    // (No file drop: this run's ingest lands nothing.)
    assert.deepEqual([...writers], ["check-sources", "transform", "check-quality"]);
    assert.ok(
      events.slice(checkpoint).every((event) => !event.endsWith(" writes")),
      events.join("\n"),
    );
    assert.deepEqual(report.failures, []);
    // Staging's orders are sorted by order day, and unified keeps their order (its header's row order): it is not
    // sorted again.
    assert.equal(rowOrders["unified.shopify_unified"], "kept");
    assert.equal(rowOrders["staging.stg_shopify_orders"], "sorted");
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
    // The demo's Meta and TikTok are stale on the run date: the subject does not headline that ROAS.
    assert.match(email.subject ?? "", /ROAS incomplete \(no Meta, TikTok data\)/);
    assert.doesNotMatch(email.subject ?? "", /ROAS \d/);
  });

  it("marks blended ROAS, MER, CAC and spend incomplete wherever they appear, never with a green arrow", async () => {
    // The sources' last days, straight from the raw tables: Meta and TikTok stopped before the run date.
    const [last] = (
      await warehouse.rawConnection.runAndReadAll(`
        SELECT (SELECT max(date_start) FROM raw.facebook_ads_insights)::VARCHAR AS meta,
               (SELECT max(CAST(stat_time_day AS DATE)) FROM raw.tiktok_ads_reports_daily)::VARCHAR AS tiktok`)
    ).getRowObjectsJS() as { meta: string; tiktok: string }[];
    assert.ok(last && last.meta < RUN_DATE && last.tiktok < RUN_DATE && last.meta !== last.tiktok);
    const day = (date: string) =>
      new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" })
        .format(new Date(`${date}T00:00:00Z`))
        .replace(",", "");
    const caveat = `excludes Meta (no data since ${day(last.meta)}), TikTok (no data since ${day(last.tiktok)})`;

    // daily_kpis.csv: the run date's row says so, naming the sources.
    const rows = parse(await readFile(bucketFile(latestExtractPath("daily_kpis")), "utf8"), {
      columns: true,
    }) as Record<string, string>[];
    const runDay = rows.find((row) => row.date === RUN_DATE);
    assert.equal(runDay?.is_complete, "false");
    assert.equal(runDay?.missing_sources, "facebook_ads,tiktok_ads");
    assert.equal(rows.find((row) => row.date === last.meta)?.is_complete, "true");

    // The email: every spend-based headline line carries the caveat; no such row is coloured good.
    const email = await PostalMime.parse(
      await readFile(join(config.local.outboxDir, "summary-2026-11-21_dtc-pulse.eml")),
    );
    for (const label of ["Ad spend", "Blended ROAS", "MER"]) {
      const line = (email.text ?? "").split("\n").find((text) => text.startsWith(`- ${label}:`));
      assert.ok(line?.includes(`(incomplete: ${caveat})`), `email text: ${line}`);
      const htmlRow = (email.html ?? "").split("<tr>").find((row) => row.includes(`>${label}<br>`));
      assert.ok(htmlRow?.includes(`incomplete: ${caveat}`), `email html: ${label}`);
      assert.ok(!htmlRow?.includes(`color:${EMAIL_COLORS.good}`), `no good-coloured change for ${label}`);
    }
    assert.match(
      email.text ?? "",
      new RegExp(
        `Month to date .*blended ROAS [\\d.]+× \\(incomplete: ${caveat.replace(/[()]/g, "\\$&")}\\)`,
      ),
    );

    // The deck: the executive summary's cards, the periods and efficiency tables, the 28-day trend.
    const deck = await openDeck(await readFile(bucketFile(deckPath(RUN_DATE))));
    const summary = slideWithTitle(deck, "Executive summary").xml;
    for (const metric of ["ad_spend", "blended_roas", "mer", "cac"]) {
      const card = shapeNamed(summary, `kpi-${metric}`);
      assert.ok(paragraphs(card).includes("incomplete: excludes Meta, TikTok"), `card ${metric}`);
      assert.ok(!card.includes(`val="${GREEN}"`), `no green on the ${metric} card`);
    }
    assert.ok(
      texts(summary).some((text) => text.includes(caveat)),
      "the summary slide says since when",
    );
    for (const [title, table] of [
      ["Month to date and last full month", "periods"],
      ["Marketing efficiency", "efficiency"],
    ] as const) {
      const slide = slideWithTitle(deck, title).xml;
      const spendRows = tableRows(slide, table).filter((cells) =>
        /^(Ad spend|Blended ROAS|MER|CAC)/.test(cells[0] ?? ""),
      );
      assert.ok(spendRows.length >= 4, `${title}: the spend-based rows`);
      for (const row of spendRows) assert.ok(row[0]?.endsWith(" *"), `${title}: ${row[0]} marked`);
      assert.ok(
        texts(slide).some((text) => text.includes(caveat)),
        `${title}: the note`,
      );
      const frame = shapeNamed(slide, table);
      for (const tableRow of frame
        .split("<a:tr")
        .filter((xml) => /<a:t>(Ad spend|Blended ROAS|MER|CAC)/.test(xml))) {
        assert.ok(!tableRow.includes(`val="${GREEN}"`), `${title}: no green in ${texts(tableRow)[0]}`);
      }
    }
    // The monthly efficiency chart: no ROAS point for the month with unsynced spend (from Meta's last day on).
    const [month] = await warehouse.query<{ incomplete_days: number }>(
      "SELECT incomplete_days FROM marts.executive_summary_monthly WHERE month = DATE '2026-11-01'",
    );
    assert.equal(
      Number(month?.incomplete_days),
      Math.round((Date.parse(RUN_DATE) - Date.parse(last.meta)) / 86_400_000),
    );
    const efficiency = slideWithTitle(deck, "Marketing efficiency");
    const [roasLine] = await chartOnSlide(deck, efficiency.number, "efficiency-monthly");
    assert.equal(roasLine?.values.at(-1), null, "no ROAS point for November");
    assert.ok(
      roasLine?.values.slice(0, -1).every((value) => value !== null),
      "complete months keep theirs",
    );
    const sitewide = tableRows(slideWithTitle(deck, "Sitewide overview").xml, "sitewide-monthly");
    assert.match(sitewide[1]?.[7] ?? "", / \*$/, "November's ad spend is marked");
    assert.ok(
      sitewide.slice(2).every((row) => !(row[7] ?? "").endsWith("*")),
      "complete months are not",
    );
    const trend = slideWithTitle(deck, "Revenue and ad spend");
    const [, spend] = await chartOnSlide(deck, trend.number, "revenue-spend-trend");
    assert.equal(spend?.values.at(-1), null, "no spend point on the run date");
    assert.ok(texts(trend.xml).some((text) => text.startsWith("Incomplete: ad spend and blended ROAS")));
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
      // The stored message's ISO day, as the shop's locale (en-US) writes it for its readers.
      /Meta Ads data is 5 days old \(last day Mon 16 Nov 2026\)/,
      /TikTok Ads data is 4 days old \(last day Tue 17 Nov 2026\)/,
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
    const again = await runLocally(config, message("second"), { log: silentLogger(), warehouse, secrets });
    assert.deepEqual(again.failures, []);
    assert.ok(
      again.records.every((record) => record.runId === "first"),
      "the ledger still names the first run",
    );
    const forced = await runLocally(config, message("forced", { force: true }), {
      log: silentLogger(),
      secrets,
      warehouse,
    });
    assert.deepEqual(forced.failures, []);
    const afterForce = await Promise.all(
      EXTRACT_NAMES.map((name) => sha256(bucketFile(latestExtractPath(name)))),
    );
    assert.deepEqual(afterForce, before, "extracts byte-identical after a forced re-run");
    assert.equal((await outbox()).filter((name) => name.endsWith(".eml")).length, 1, "exactly one email");
  });

  it("expires what the cloud bucket's lifecycle would: dated extracts past the retention, old quarantined rows", async () => {
    // Planted as earlier runs would have left them, with their files' times set to when they were written.
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);
    const planted = {
      oldExtract: extractPath("daily_kpis", "2026-05-01"),
      keptExtract: extractPath("daily_kpis", "2026-09-01"),
      oldQuarantine: "quarantine/dt=2026-05-01/0123456789ab-orders.csv",
      oldDeck: deckPath("2026-05-01"),
    };
    const ages: Record<keyof typeof planted, number> = {
      oldExtract: config.local.extractRetentionDays + 1,
      keptExtract: config.local.extractRetentionDays - 1,
      oldQuarantine: 91,
      oldDeck: 400,
    };
    for (const [key, path] of Object.entries(planted) as [keyof typeof planted, string][]) {
      await mkdir(dirname(bucketFile(path)), { recursive: true });
      await writeFile(bucketFile(path), "planted\n");
      await utimes(bucketFile(path), daysAgo(ages[key]), daysAgo(ages[key]));
    }
    const run = await runLocally(config, message("lifecycle"), { log: silentLogger(), warehouse, secrets });
    assert.deepEqual(
      run.expired.sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: planted.oldExtract, rule: "dated extracts" },
        { path: planted.oldQuarantine, rule: "quarantined rows" },
      ],
    );
    const lines: string[] = [];
    await printSummary(run, config, (line) => lines.push(line));
    for (const rule of ["dated extracts", "quarantined rows"]) {
      assert.ok(
        lines.includes(`Expired: 1 file(s) of ${rule}, older than the bucket's lifecycle keeps them.`),
        lines.join("\n"),
      );
    }
    await assert.rejects(
      readdir(dirname(bucketFile(planted.oldExtract))),
      /ENOENT/,
      "its empty dt= folder too",
    );
    assert.equal(await readFile(bucketFile(planted.keptExtract), "utf8"), "planted\n");
    assert.equal(await readFile(bucketFile(planted.oldDeck), "utf8"), "planted\n", "decks never expire");
    for (const name of EXTRACT_NAMES) {
      assert.ok(await readFile(bucketFile(latestExtractPath(name))), `${name}: latest/ stays`);
      assert.ok(
        await readFile(bucketFile(extractPath(name, RUN_DATE))),
        `${name}: this run's dated file stays`,
      );
    }
  });

  it("emails a permanent failure with the re-run command, and a re-run from that step completes", async () => {
    const otherDate = "2026-11-20";
    const failing = await runLocally(
      config,
      parseRunMessage({ runDate: otherDate, runId: "broken", trigger: "manual" }),
      {
        log: silentLogger(),
        secrets,
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
      { log: silentLogger(), warehouse, secrets },
    );
    assert.deepEqual(resumed.failures, []);
    assert.ok(await readFile(bucketFile(extractPath("daily_kpis", otherDate))));
    assert.ok((await outbox()).includes("summary-2026-11-20_dtc-pulse.eml"));
  });
});
