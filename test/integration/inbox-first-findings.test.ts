// A run without --date loads the inbox first, for yesterday, then runs the newest day of the orders it loaded.
// What the load found of the files belongs to that day's run: a row quarantined, a file that failed. Before, the
// load's findings stayed in a ledger record of yesterday that no report read: the day's alerts said "No alerts.",
// its email "0 alerts", and yesterday's ingest counted as done, so that a later run of yesterday skipped it.
// Expected counts come from the files written here (csv-parse), never from the product's output.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import PostalMime from "postal-mime";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { loadInboxFirst } from "../../functions/cli/inbox-first.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { runCli } from "../support/cli.ts";
import { fixedSecrets } from "../support/secrets.ts";

const FIXTURES = join(import.meta.dirname, "..", "ingest", "fixtures");
const ZONE = "America/New_York";
/** The newest order day of the fixture export (test/integration/real-shop.test.ts checks it). */
const NEWEST = "2026-11-21";

function pulse(workDir: string, ...args: string[]) {
  return runCli(workDir, args);
}

/** The shop's yesterday, by Intl: the day the load runs under. */
function shopYesterday(): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(new Date());
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The fixture Shopify orders export, as the shop downloaded it. */
function fixtureExport(): Promise<string> {
  return readFile(join(FIXTURES, "shopify-orders.csv"), "utf8");
}

/** The fixture export with one more order whose Total cannot be read: its one row is quarantined. */
async function exportWithBadRow(): Promise<{ text: string; rows: number }> {
  const text = await fixtureExport();
  const [header = [], first, ...rest] = parse(text, { relax_column_count: true }) as string[][];
  assert.ok(first);
  const bad = [...first];
  bad[header.indexOf("Name")] = "#1999";
  bad[header.indexOf("Total")] = "abc";
  const line = bad.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(",");
  return { text: `${text.trimEnd()}\n${line}\n`, rows: rest.length + 2 };
}

/**
 * The inbox's load as a run without --date starts it, in this process, and then nothing: as when the process dies
 * between the load and the day's run.
 */
async function loadThenDie(workDir: string, inbox: { firstLoad: boolean; waiting: number }) {
  const config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
  try {
    const ports = {
      log: silentLogger(),
      warehouse,
      // The key runCli gives the command line, so that the hashes agree.
      secrets: fixedSecrets({ piiHashKey: "k".repeat(40) }),
    };
    const loaded = await loadInboxFirst(config, {}, ports, () => undefined, inbox);
    assert.ok(!("records" in loaded), "the load succeeded");
    return loaded;
  } finally {
    await warehouse.close();
  }
}

function stepRecordPath(workDir: string, day: string, step: string): string {
  return join(workDir, "bucket", "runs", `dt=${day}`, "steps", `${step}.json`);
}

const PENDING = ["bucket", "state", "inbox-load.json"];

/** A shop's work dir with one orders export in its inbox, set up by `init` (Shopify its one source). */
async function shopWithExport(workDir: string, shopName: string, exportText: string): Promise<string> {
  const inbox = join(workDir, "bucket", "raw", "inbox");
  await mkdir(inbox, { recursive: true });
  await writeFile(join(inbox, "orders_export.csv"), exportText);
  assert.equal(pulse(workDir, "init", "--shop-name", shopName, "--sources", "shopify").status, 0);
  return inbox;
}

interface Finding {
  check: string;
  severity: string;
  message: string;
}

async function record(workDir: string, day: string, step: string) {
  return JSON.parse(await readFile(stepRecordPath(workDir, day, step), "utf8")) as {
    runDate: string;
    findings: Finding[];
    metrics: Record<string, number>;
    summary: string;
  };
}

async function emailText(workDir: string, day: string): Promise<string> {
  const name = (await readdir(join(workDir, "outbox"))).find(
    (file) => file === `summary-${day}_dtc-pulse.eml`,
  );
  assert.ok(name, `an email for ${day}`);
  const parsed = await PostalMime.parse(await readFile(join(workDir, "outbox", name)));
  return parsed.text ?? "";
}

describe("a run without --date reports what loading the inbox found, on the day it reports", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-inbox-first-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("a first load: the quarantined row is the reported day's alert, and yesterday is left unrun", async () => {
    const yesterday = shopYesterday();
    assert.notEqual(yesterday, NEWEST, "the fixture's newest day is not yesterday");
    const workDir = join(root, "first");
    const dropped = await exportWithBadRow();
    await shopWithExport(workDir, "Undated", dropped.text);

    const run = pulse(workDir);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`run date ${NEWEST}\\n`));
    // The day's ingest carries the load's file: its counts (9 rows read, 1 quarantined) and its finding.
    const ingest = await record(workDir, NEWEST, "ingest");
    assert.equal(ingest.metrics.fileRowsRead, dropped.rows);
    assert.equal(ingest.metrics.fileRowsQuarantined, 1);
    assert.match(
      ingest.summary,
      /1 file drop \(1 loaded, 0 already loaded, 0 failed; \d+ rows loaded, 1 quarantined\)/,
    );
    const rejects = ingest.findings.find((finding) => finding.check === "file_drop_rejects");
    assert.ok(rejects, JSON.stringify(ingest.findings));
    assert.match(rejects.message, new RegExp(`^1 of the ${dropped.rows} rows of orders_export\\.csv`));
    // So its alerts, its findings extract and its email say so; check-quality's run-level rate too.
    assert.match(run.stdout, /Alerts \(2\):/);
    assert.match(run.stdout, /WARNING {2}1 of the 9 rows of orders_export\.csv/);
    const findings = parse(
      await readFile(join(workDir, "bucket", "extracts", "latest", "findings.csv"), "utf8"),
      { columns: true },
    ) as Record<string, string>[];
    assert.deepEqual(findings.map((row) => [row.run_date, row.check_name]).sort(), [
      [NEWEST, "file_drop_reject_rate"],
      [NEWEST, "file_drop_rejects"],
    ]);
    assert.match(await emailText(workDir, NEWEST), /orders_export\.csv/);
    // Yesterday holds no ingest record: a later run of it runs its ingest.
    assert.equal(existsSync(stepRecordPath(workDir, yesterday, "ingest")), false);
  });

  it("a later load reporting on another day leaves yesterday's own run as it was", async () => {
    const yesterday = shopYesterday();
    const workDir = join(root, "first");
    // Yesterday's own run (a day without orders here), then a corrected export of the same days.
    const own = pulse(workDir, "--date", yesterday);
    assert.equal(own.status, 0, `${own.stdout}\n${own.stderr}`);
    const before = await record(workDir, yesterday, "ingest");
    const corrected = (await fixtureExport()).replace(",100.45,", ",101.45,");
    await writeFile(join(workDir, "bucket", "raw", "inbox", "orders_export (1).csv"), corrected);
    const run = pulse(workDir);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`run date ${NEWEST}\\n`));
    assert.deepEqual(await record(workDir, yesterday, "ingest"), before);
  });

  it("a later load whose newest day is yesterday: the forced run of yesterday keeps the load's finding", async () => {
    const yesterday = shopYesterday();
    const workDir = join(root, "later");
    const inbox = await shopWithExport(workDir, "Later", await fixtureExport());
    assert.equal(pulse(workDir).status, 0);

    // The next export: one order yesterday, and one whose total cannot be read.
    const header =
      "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Cancelled at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Id";
    const text = [
      header,
      `#8001,j@example.com,paid,USD,30.00,0.00,0.00,30.00,${yesterday} 12:00:00 -0500,,1,Oak Board,30.00,OAK-1,9801`,
      `#8002,k@example.com,paid,USD,45.00,0.00,0.00,abc,${yesterday} 13:00:00 -0500,,1,Wool Throw,45.00,WOOL-1,9802`,
      "",
    ].join("\n");
    await writeFile(join(inbox, "orders_export_2.csv"), text);
    const run = pulse(workDir);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`Orders loaded up to ${yesterday}: reporting on ${yesterday}`));
    const ingest = await record(workDir, yesterday, "ingest");
    assert.equal(ingest.metrics.fileRowsRead, 2);
    assert.equal(ingest.metrics.fileRowsQuarantined, 1);
    assert.ok(
      ingest.findings.some((finding) => finding.check === "file_drop_rejects"),
      JSON.stringify(ingest.findings),
    );
    assert.match(run.stdout, /WARNING {2}1 of the 2 rows of orders_export_2\.csv/);
  });

  it("a process that dies between the load and the day's run: the next run reports the load on its day", async () => {
    const yesterday = shopYesterday();
    const workDir = join(root, "died");
    const dropped = await exportWithBadRow();
    await shopWithExport(workDir, "Died", dropped.text);
    const loaded = await loadThenDie(workDir, { firstLoad: true, waiting: 1 });
    assert.equal(loaded.day, NEWEST);
    // The load's findings wait in the bucket; yesterday holds no ingest record, NEWEST none yet.
    assert.ok(existsSync(join(workDir, ...PENDING)));
    assert.equal(existsSync(stepRecordPath(workDir, yesterday, "ingest")), false);
    assert.equal(existsSync(stepRecordPath(workDir, NEWEST, "ingest")), false);

    // The inbox is empty now: before, this run reported NEWEST with "No alerts." and the quarantine was lost.
    const run = pulse(workDir);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`A load of the inbox was not yet reported on ${NEWEST}`));
    assert.match(run.stdout, new RegExp(`run date ${NEWEST}\\n`));
    assert.match(run.stdout, /WARNING {2}1 of the 9 rows of orders_export\.csv/);
    const ingest = await record(workDir, NEWEST, "ingest");
    assert.equal(ingest.metrics.fileRowsRead, dropped.rows);
    assert.equal(ingest.metrics.fileRowsQuarantined, 1);
    assert.match(await emailText(workDir, NEWEST), /orders_export\.csv/);
    // Reported once: the state is gone, and the next run finds the day done, its record as it was.
    assert.equal(existsSync(join(workDir, ...PENDING)), false);
    const again = pulse(workDir);
    assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
    assert.doesNotMatch(again.stdout, /A load of the inbox/);
    assert.deepEqual(await record(workDir, NEWEST, "ingest"), ingest);
  });

  it("a later load whose day's run died: the next run runs the day again, every step, with the load's finding", async () => {
    const workDir = join(root, "died-later");
    const inbox = await shopWithExport(workDir, "Died Later", await fixtureExport());
    assert.equal(pulse(workDir).status, 0);
    const reportedBefore = await record(workDir, NEWEST, "report");

    // The same export again, now with a row that cannot be read: it corrects the day already reported.
    const dropped = await exportWithBadRow();
    await writeFile(join(inbox, "orders_export (1).csv"), dropped.text);
    const loaded = await loadThenDie(workDir, { firstLoad: false, waiting: 1 });
    assert.deepEqual([loaded.day, loaded.force], [NEWEST, true]);

    const run = pulse(workDir);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`not yet reported on ${NEWEST}: running that day again, every step`));
    // Forced: the day's report is made again (a new run), and its ingest carries the quarantined row.
    const reportedAfter = await record(workDir, NEWEST, "report");
    assert.notEqual(
      (reportedAfter as { runId?: string }).runId,
      (reportedBefore as { runId?: string }).runId,
    );
    const ingest = await record(workDir, NEWEST, "ingest");
    assert.equal(ingest.metrics.fileRowsQuarantined, 1);
    assert.ok(
      ingest.findings.some((finding) => finding.check === "file_drop_rejects"),
      JSON.stringify(ingest.findings),
    );
    assert.equal(existsSync(join(workDir, ...PENDING)), false);
  });
});
