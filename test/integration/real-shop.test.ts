// A new shop from a fresh work dir, as the README's first path says: the shop's own exports in the inbox, `init`
// (which takes the time zone and currency from them), `npm start -- --date D`. The day's orders, revenue, spend and ROAS are compared with totals computed here from
// the files themselves (csv-parse, no product code), and no demo data appears anywhere. Then the demo, asked for,
// says "demo data" in the CLI, the email and the deck.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import JSZip from "jszip";
import PostalMime from "postal-mime";
import { runCli } from "../support/cli.ts";

const FIXTURES = join(import.meta.dirname, "..", "ingest", "fixtures");
const ZONE = "America/New_York";
const DAY = "2026-11-21";

function pulse(workDir: string, ...args: string[]) {
  return runCli(workDir, args);
}

/** The shop day of a Shopify timestamp ("2026-11-21 18:04:11 -0500") in `zone`, computed with Intl. */
function shopDay(text: string, zone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text.trim());
  assert.ok(match, `timestamp ${text}`);
  const [, y, mo, d, h, mi, s, sign, oh, om] = match;
  const offset = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const utc = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - offset * 60_000;
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(utc);
}

/** Orders (not cancelled) and their revenue on `day`, from a Shopify orders export's first row per order. */
function ordersOf(csv: Buffer, day: string): { orders: number; revenueCents: number } {
  const rows = parse(csv, { columns: true, relax_column_count: true }) as Record<string, string>[];
  const seen = new Set<string>();
  let orders = 0;
  let revenueCents = 0;
  for (const row of rows) {
    const name = row.Name ?? "";
    if (seen.has(name)) continue;
    seen.add(name);
    if ((row["Cancelled at"] ?? "").trim()) continue;
    if (shopDay(row["Created at"] ?? "", ZONE) !== day) continue;
    orders += 1;
    revenueCents += Math.round(Number(row.Total) * 100);
  }
  return { orders, revenueCents };
}

/** Spend on `day` of a Meta export ("Amount spent (USD)"), a TikTok export ("Cost"). */
function spendCents(csv: Buffer, dayColumn: string, costColumn: string, day: string): number {
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  return rows
    .filter((row) => row[dayColumn] === day)
    .reduce((sum, row) => sum + Math.round(Number((row[costColumn] ?? "0").replace(/,/g, "")) * 100), 0);
}

function kpiRow(csvText: string, day: string): Record<string, string> {
  const rows = parse(csvText, { columns: true }) as Record<string, string>[];
  const row = rows.find((candidate) => candidate.date === day);
  assert.ok(row, `daily_kpis has ${day}`);
  return row;
}

/**
 * The daily_kpis extract's DAY against the fixture files the shop dropped (shopify-orders.csv, meta-ads-daily.csv,
 * tiktok-ads.csv): its orders, revenue and ad spend as computed here from them.
 */
async function assertDayOfFixtures(workDir: string) {
  const orders = ordersOf(await readFile(join(FIXTURES, "shopify-orders.csv")), DAY);
  const spend =
    spendCents(await readFile(join(FIXTURES, "meta-ads-daily.csv")), "Day", "Amount spent (USD)", DAY) +
    spendCents(await readFile(join(FIXTURES, "tiktok-ads.csv")), "By Day", "Cost", DAY);
  const kpis = kpiRow(
    await readFile(join(workDir, "bucket", "extracts", "latest", "daily_kpis.csv"), "utf8"),
    DAY,
  );
  assert.equal(Number(kpis.orders), orders.orders);
  assert.equal(Math.round(Number(kpis.gross_revenue) * 100), orders.revenueCents);
  assert.equal(Math.round(Number(kpis.ad_spend) * 100), spend);
  return { orders, spend, kpis };
}

describe("a real shop from a fresh work dir: init, its files, one day", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-real-shop-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("gives the day's numbers of its own files, with no demo data anywhere", async () => {
    const workDir = join(root, "shop");
    const inbox = join(workDir, "bucket", "raw", "inbox");
    await mkdir(inbox, { recursive: true });
    const files = ["shopify-orders.csv", "meta-ads-daily.csv", "tiktok-ads.csv"];
    for (const file of files) await cp(join(FIXTURES, file), join(inbox, file));

    const init = pulse(workDir, "init", "--shop-name", "Maison Test", "--sources", "shopify,meta,tiktok");
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /Time zone America\/New_York: the one the UTC offsets \(-05:00\)/);
    assert.match(init.stdout, /Currency USD: the one the orders of the Shopify exports in the inbox are in/);
    const settings = JSON.parse(await readFile(join(workDir, "pulse.config.json"), "utf8")) as {
      shop: { timezone: string; currency: string };
      quality: { sources: Record<string, { expected: boolean }> };
    };
    assert.equal(settings.shop.timezone, ZONE);
    assert.equal(settings.shop.currency, "USD", "the fixture export's currency, written");
    assert.deepEqual(settings.quality.sources, { google_ads: { expected: false } });

    const run = pulse(workDir, "--date", DAY);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /demo/i);
    assert.doesNotMatch(run.stdout, /Google Ads/, "an unused source raises nothing");
    assert.doesNotMatch(
      run.stdout,
      /is empty/,
      "no alert for the empty customers, products and unused ad tables",
    );
    assert.equal(existsSync(join(workDir, "demo-manifest.json")), false);

    const { orders, spend, kpis } = await assertDayOfFixtures(workDir);
    // The extract carries ROAS to 4 decimals.
    assert.equal(Number(kpis.blended_roas), Number((orders.revenueCents / spend).toFixed(4)));
    assert.equal(kpis.is_demo, "false", "a real shop's extract rows are not demo rows");

    const outbox = join(workDir, "outbox");
    const email = (await readdir(outbox)).find((name) => name.endsWith(".eml"));
    assert.ok(email);
    assert.doesNotMatch(await readFile(join(outbox, email), "utf8"), /demo/i);
  });

  it("prints each step, the day's numbers, the alerts and the paths it made; a second run does nothing twice", async () => {
    // The shop of the test above, as its first run left it: the README's Quick start, step by step.
    const workDir = join(root, "shop");
    const bucket = join(workDir, "bucket");
    assert.ok(existsSync(join(bucket, "runs", `dt=${DAY}`)), "runs after the test above");
    const steps = ["ingest", "check-sources", "transform", "check-quality", "export", "report", "notify"];
    // Where the README says the outputs are (Quick start), spelled out here rather than from the code's layout.
    const extracts = (await readdir(join(bucket, "extracts", "latest"))).sort();
    assert.ok(extracts.includes("daily_kpis.csv") && extracts.length >= 10, extracts.join(", "));
    const made = [
      ...extracts.map((file) => join(bucket, "extracts", "latest", file)),
      ...extracts.map((file) => join(bucket, "extracts", file.replace(/\.csv$/, ""), `dt=${DAY}`, file)),
      join(bucket, "reports", `dt=${DAY}`, `dtc-pulse-${DAY}.pptx`),
      join(bucket, "reports", `dt=${DAY}`, "dashboard.html"),
      join(workDir, "outbox", `summary-${DAY}_dtc-pulse.eml`),
      join(workDir, "outbox", `summary-${DAY}_dtc-pulse.html`),
      ...steps.map((step) => join(bucket, "runs", `dt=${DAY}`, "steps", `${step}.json`)),
    ];
    for (const path of made) assert.ok(existsSync(path), path);
    const hashes = async () =>
      Promise.all(
        made.slice(0, extracts.length * 2).map(async (path) => (await readFile(path)).toString("base64")),
      );
    const before = await hashes();

    // The first run's output, again from scratch in a work dir of its own, to read what it prints.
    const fresh = join(root, "printed");
    await mkdir(join(fresh, "bucket", "raw", "inbox"), { recursive: true });
    await cp(
      join(FIXTURES, "shopify-orders.csv"),
      join(fresh, "bucket", "raw", "inbox", "orders_export.csv"),
    );
    assert.equal(pulse(fresh, "init", "--shop-name", "Printed", "--sources", "shopify").status, 0);
    const first = pulse(fresh, "--date", DAY);
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    const lines = first.stdout.split("\n");
    // A line as each step starts and one as it ends, in order.
    assert.deepEqual(
      lines.filter((line) => /^\[\d\/7\] /.test(line)).map((line) => line.split(" ").slice(1, 3).join(" ")),
      steps.flatMap((step) => [`${step} …`, `${step} ✓`]),
    );
    const orders = ordersOf(await readFile(join(FIXTURES, "shopify-orders.csv")), DAY);
    // The day's numbers, the day as the en-US shop reads it (DAY is Saturday 21 November 2026).
    const numbers = lines.findIndex((line) => line.startsWith("Sat 21 Nov 2026: revenue "));
    assert.ok(numbers > 0, first.stdout);
    assert.match(lines[numbers] ?? "", new RegExp(` · ${orders.orders} orders · `));
    assert.match(lines[numbers + 1] ?? "", /^(Alerts \(\d+\):|No alerts\.)$/);
    const listed = lines.filter((line) => /^ {2}(extract|deck|dashboard|email|ledger) /.test(line));
    assert.deepEqual(
      [...new Set(listed.map((line) => line.trim().split(/\s+/)[0]))],
      ["extract", "deck", "dashboard", "email", "ledger"],
    );
    for (const line of listed) assert.ok(existsSync(line.trim().split(/\s+/).slice(1).join(" ")), line);

    // Run again for the same date, with an export dropped after the first run: every step is already done,
    // nothing changes, no second email, and the summary says the file waits unread.
    const late = join(bucket, "raw", "inbox", "orders_export (1).csv");
    await cp(join(FIXTURES, "shopify-orders.csv"), late);
    const again = pulse(workDir, "--date", DAY);
    assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
    assert.deepEqual(
      again.stdout.split("\n").filter((line) => line.includes("already done for this date")).length,
      steps.length,
      again.stdout,
    );
    assert.match(
      again.stdout,
      /Not read: 1 file\(s\) in .*raw\/inbox\/ were not read by this run; a run without --date loads them first, or now: npm start -- --date 2026-11-21 --force/,
    );
    assert.ok(existsSync(late), "the late file is still in the inbox");
    assert.deepEqual(await hashes(), before, "extracts byte-identical");
    const emails = async () =>
      (await readdir(join(workDir, "outbox"))).filter((name) => name.endsWith(".eml"));
    assert.equal((await emails()).length, 1);

    // --force reads it now (the same bytes as an earlier drop: recognised, nothing loaded twice).
    const forced = pulse(workDir, "--date", DAY, "--force");
    assert.equal(forced.status, 0, `${forced.stdout}\n${forced.stderr}`);
    assert.match(forced.stdout, /1 file drop.*1 already loaded/);
    assert.doesNotMatch(forced.stdout, /Not read/);
    assert.equal(existsSync(late), false, "the inbox is emptied as the file is handled");
    assert.equal(
      Number(
        kpiRow(await readFile(join(bucket, "extracts", "latest", "daily_kpis.csv"), "utf8"), DAY).orders,
      ),
      orders.orders,
      "the same orders, not counted twice",
    );
    assert.equal((await emails()).length, 1, "the summary email goes out once per date");
  });

  it("without --date, a first run loads the inbox, then reports on the newest day of its orders", async () => {
    const workDir = join(root, "undated");
    const inbox = join(workDir, "bucket", "raw", "inbox");
    await mkdir(inbox, { recursive: true });
    await cp(join(FIXTURES, "shopify-orders.csv"), join(inbox, "orders_export.csv"));
    assert.equal(pulse(workDir, "init", "--shop-name", "Undated", "--sources", "shopify").status, 0);
    // The export's newest order, on the shop's clock: the day to report on.
    const created = (
      parse(await readFile(join(FIXTURES, "shopify-orders.csv")), { columns: true }) as Record<
        string,
        string
      >[]
    ).map((row) => shopDay(row["Created at"] ?? "", ZONE));
    const newest = created.sort().at(-1) ?? "";
    assert.equal(newest, DAY);

    const run = pulse(workDir);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /No orders loaded yet: loading the inbox first/);
    assert.match(run.stdout, new RegExp(`Orders loaded up to ${newest}: reporting on ${newest}`));
    assert.match(run.stdout, new RegExp(`run date ${newest}\n`));
    const orders = ordersOf(await readFile(join(FIXTURES, "shopify-orders.csv")), newest);
    const kpis = kpiRow(
      await readFile(join(workDir, "bucket", "extracts", "latest", "daily_kpis.csv"), "utf8"),
      newest,
    );
    assert.equal(Number(kpis.orders), orders.orders);
    assert.equal(Math.round(Number(kpis.gross_revenue) * 100), orders.revenueCents);
    // One summary, of that day: not of yesterday, a day of no data.
    const emails = (await readdir(join(workDir, "outbox"))).filter((name) => name.endsWith(".eml"));
    assert.deepEqual(emails, [`summary-${newest}_dtc-pulse.eml`]);
  });

  it("without --date, a later run loads the files dropped since, then runs the newest day of their orders again", async () => {
    // The shop of the test above, the next morning: an export with the next day's orders (invented), then a
    // corrected download of it. Before, such a run found the newest day already done and left the file unread.
    const workDir = join(root, "undated");
    const inbox = join(workDir, "bucket", "raw", "inbox");
    const next = "2026-11-22";
    const header =
      "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Cancelled at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Id";
    const export1 = [
      header,
      "#7001,h@example.com,paid,USD,30.00,0.00,0.00,30.00,2026-11-22 09:00:00 -0500,,1,Oak Board,30.00,OAK-1,9701",
      "#7002,i@example.com,paid,USD,45.00,0.00,0.00,45.00,2026-11-22 23:30:00 -0500,,1,Wool Throw,45.00,WOOL-1,9702",
      "",
    ].join("\n");
    const corrected = export1.replace(
      "#7002,i@example.com,paid,USD,45.00,0.00,0.00,45.00,2026-11-22 23:30:00 -0500,,",
      "#7002,i@example.com,voided,USD,45.00,0.00,0.00,45.00,2026-11-22 23:30:00 -0500,2026-11-23 08:00:00 -0500,",
    );
    assert.notEqual(corrected, export1);
    const emails = async () =>
      (await readdir(join(workDir, "outbox"))).filter((name) => name.endsWith(".eml")).sort();

    for (const [file, text] of [
      ["orders_export_2.csv", export1],
      ["orders_export_2 (1).csv", corrected],
    ] as const) {
      await writeFile(join(inbox, file), text);
      const run = pulse(workDir);
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /^1 file\(s\) in the inbox: loading them first, then running the newest day/m);
      assert.match(run.stdout, new RegExp(`Orders loaded up to ${next}: reporting on ${next}`));
      assert.match(run.stdout, new RegExp(`run date ${next}\n`));
      assert.doesNotMatch(run.stdout, /already done for this date/);
      assert.doesNotMatch(run.stdout, /Not read/);
      assert.deepEqual(await readdir(inbox), [], "the inbox is emptied");
      const orders = ordersOf(Buffer.from(text), next);
      const kpis = kpiRow(
        await readFile(join(workDir, "bucket", "extracts", "latest", "daily_kpis.csv"), "utf8"),
        next,
      );
      assert.equal(Number(kpis.orders), orders.orders, file);
      assert.equal(Math.round(Number(kpis.gross_revenue) * 100), orders.revenueCents, file);
    }
    // Both files' numbers, each from the file: two orders for $75, then one for $30.
    assert.deepEqual(
      [ordersOf(Buffer.from(export1), next), ordersOf(Buffer.from(corrected), next)],
      [
        { orders: 2, revenueCents: 7500 },
        { orders: 1, revenueCents: 3000 },
      ],
    );
    // One summary per date: the corrected run replaces the outputs, not the email.
    assert.deepEqual(await emails(), [`summary-${DAY}_dtc-pulse.eml`, `summary-${next}_dtc-pulse.eml`]);

    // Nothing waiting: the run finds the day done, as before.
    const idle = pulse(workDir);
    assert.equal(idle.status, 0, `${idle.stdout}\n${idle.stderr}`);
    assert.doesNotMatch(idle.stdout, /in the inbox: loading/);
    assert.match(idle.stdout, /ingest – already done for this date/);
  });

  it("stops on a damaged warehouse file, naming it, and the commands it prints rebuild the day from the bucket", async () => {
    // The shop of the tests above. A process killed while DuckDB wrote the file once left a block whose checksum
    // no longer matched (the fault-injection test, in CI); 16 flipped bytes of its header do the same.
    const workDir = join(root, "shop");
    const file = join(workDir, "warehouse.duckdb");
    const handle = await open(file, "r+");
    await handle.write(Buffer.alloc(16, 0xa5), 0, 16, 100);
    await handle.close();

    const stopped = pulse(workDir, "--date", DAY);
    assert.equal(stopped.status, 1, `${stopped.stdout}\n${stopped.stderr}`);
    assert.match(
      stopped.stderr,
      new RegExp(
        `^The warehouse file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is damaged: DuckDB cannot read it\\.$`,
        "m",
      ),
    );
    assert.match(
      stopped.stderr,
      /DuckDB: IO Error: Corrupt database file: computed checksum \d+ does not match/,
    );
    assert.match(
      stopped.stderr,
      new RegExp(`kept as received in ${join(workDir, "bucket", "raw", "received")}`),
    );
    assert.doesNotMatch(stopped.stderr, /^\s+at /m, "no stack trace");
    assert.doesNotMatch(stopped.stdout, /ingest/, "no step ran");

    // Run the commands as printed (without their remarks in parentheses), `npm start -- reland` as the command
    // line: the dropped files land again.
    const commands = stopped.stderr
      .split("\n")
      .filter((line) => /^ {2}(mv|rm|npm start -- reland) /.test(line))
      .map((line) => line.trim().split(/ {3}\(/)[0] ?? "");
    assert.equal(commands.length, 3, stopped.stderr);
    for (const command of commands) {
      const done = command.startsWith("npm start -- reland")
        ? pulse(workDir, "reland")
        : spawnSync("sh", ["-c", command], { encoding: "utf8" });
      assert.equal(done.status, 0, `${command}: ${done.stdout}\n${done.stderr}`);
    }
    assert.match(stopped.stderr, /^ {2}npm start -- --full-refresh --force$/m);
    const rebuilt = pulse(workDir, "--date", DAY, "--full-refresh", "--force");
    assert.equal(rebuilt.status, 0, `${rebuilt.stdout}\n${rebuilt.stderr}`);
    assert.match(rebuilt.stdout, /3 file drops/);

    await assertDayOfFixtures(workDir);
  });

  it("runs the demo only when asked, and marks the CLI, the email and the deck 'demo data'", async () => {
    const workDir = join(root, "demo");
    const run = pulse(
      workDir,
      "demo",
      "--days",
      "60",
      "--orders-per-day",
      "5",
      "--end-date",
      DAY,
      "--date",
      DAY,
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /DEMO DATA · Sat 21 Nov 2026: revenue/);
    const outbox = join(workDir, "outbox");
    const email = (await readdir(outbox)).find((name) => name.endsWith(".eml"));
    assert.ok(email);
    const parsed = await PostalMime.parse(await readFile(join(outbox, email)));
    assert.match(parsed.subject ?? "", /^DEMO DATA · /);
    assert.match(parsed.text ?? "", /demo data/i);
    const deck = await JSZip.loadAsync(
      await readFile(join(workDir, "bucket", "reports", `dt=${DAY}`, `dtc-pulse-${DAY}.pptx`)),
    );
    const cover = await deck.file("ppt/slides/slide1.xml")?.async("string");
    assert.match(cover ?? "", /demo data/);
    // Every extract Looker reads marks every row of a demo run as demo data.
    for (const name of ["daily_kpis", "marketing_daily_channel", "product_daily_sales", "findings"]) {
      const text = await readFile(join(workDir, "bucket", "extracts", "latest", `${name}.csv`), "utf8");
      const [header, ...lines] = text.trim().split("\n");
      assert.equal(header?.split(",").at(-1), "is_demo", `${name}.csv ends with is_demo`);
      assert.ok(lines.length > 0, `${name}.csv has rows`);
      assert.ok(
        lines.every((line) => line.endsWith(",true")),
        `every row of ${name}.csv is marked demo`,
      );
    }

    // The shop's own files are never mixed into the demo shop.
    await mkdir(join(workDir, "bucket", "raw", "inbox"), { recursive: true });
    await cp(join(FIXTURES, "shopify-orders.csv"), join(workDir, "bucket", "raw", "inbox", "orders.csv"));
    const mixed = pulse(workDir, "--date", DAY);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, /holds the generated demo shop/);
    const init = pulse(workDir, "init", "--shop-name", "Mine");
    assert.equal(init.status, 2);
    assert.match(init.stderr, /holds the generated demo shop/);
  });

  it("the run-level reject rate goes from ingest's metrics to check-quality's finding", async () => {
    const workDir = join(root, "rejects");
    const inbox = join(workDir, "bucket", "raw", "inbox");
    await mkdir(inbox, { recursive: true });
    const original = await readFile(join(FIXTURES, "shopify-orders.csv"), "utf8");
    // Two orders' totals made unreadable: their rows (3 of 8) are quarantined.
    const broken = original.replace(",100.45,", ",1OO.45,").replace(",47.81,", ",4x.81,");
    await writeFile(join(inbox, "orders.csv"), broken);
    const lines = parse(broken, { columns: true, relax_column_count: true }) as Record<string, string>[];
    const badRows = lines.filter((row) => ["#1001", "#1002"].includes(row.Name ?? "")).length;
    assert.equal(pulse(workDir, "init", "--shop-name", "Rejects", "--sources", "shopify").status, 0);
    const run = pulse(workDir, "--date", DAY);
    const ledger = join(workDir, "bucket", "runs", `dt=${DAY}`, "steps");
    const ingest = JSON.parse(await readFile(join(ledger, "ingest.json"), "utf8")) as {
      metrics: Record<string, number>;
    };
    assert.equal(ingest.metrics.fileRowsRead, lines.length, run.stdout);
    assert.equal(ingest.metrics.fileRowsQuarantined, badRows);
    assert.equal(
      ingest.metrics.fileRowsRead,
      ingest.metrics.fileRowsLoaded! + ingest.metrics.fileRowsQuarantined!,
    );
    const quality = JSON.parse(await readFile(join(ledger, "check-quality.json"), "utf8")) as {
      findings: { check: string; severity: string; message: string }[];
    };
    const rate = quality.findings.find((finding) => finding.check === "file_drop_reject_rate");
    assert.ok(rate, JSON.stringify(quality.findings.map((finding) => finding.check)));
    assert.equal(rate.severity, "warning");
    assert.match(rate.message, new RegExp(`\\(${badRows} of ${lines.length}\\)`));
  });

  it("a shop in Paris without any UTM: the right days in its zone, and one info instead of attribution alerts", async () => {
    const workDir = join(root, "paris");
    const inbox = join(workDir, "bucket", "raw", "inbox");
    await mkdir(inbox, { recursive: true });
    const shapes = join(FIXTURES, "shapes");
    for (const file of ["shopify-orders-no-utms.csv", "meta-no-utm-shop.csv"])
      await cp(join(shapes, file), join(inbox, file));
    const init = pulse(
      workDir,
      "init",
      "--shop-name",
      "Atelier",
      "--currency",
      "EUR",
      "--sources",
      "shopify,meta",
    );
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /Time zone Europe\/Paris/);
    const run = pulse(workDir, "--date", DAY);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /attribution looks broken/);

    const orders = parse(await readFile(join(shapes, "shopify-orders-no-utms.csv")), {
      columns: true,
    }) as Record<string, string>[];
    const meta = parse(await readFile(join(shapes, "meta-no-utm-shop.csv")), { columns: true }) as Record<
      string,
      string
    >[];
    const extract = await readFile(join(workDir, "bucket", "extracts", "latest", "daily_kpis.csv"), "utf8");
    for (const day of ["2026-11-20", DAY]) {
      const ofDay = orders.filter((row) => shopDay(row["Created at"] ?? "", "Europe/Paris") === day);
      const revenueCents = ofDay.reduce((sum, row) => sum + Math.round(Number(row.Total) * 100), 0);
      const spendCents = meta
        .filter((row) => row.Day === day)
        .reduce((sum, row) => sum + Math.round(Number(row["Amount spent (EUR)"]) * 100), 0);
      const kpis = kpiRow(extract, day);
      assert.equal(Number(kpis.orders), ofDay.length, `${day} orders`);
      assert.equal(Math.round(Number(kpis.gross_revenue) * 100), revenueCents, `${day} revenue`);
      assert.equal(Math.round(Number(kpis.ad_spend) * 100), spendCents, `${day} spend`);
      assert.equal(Number(kpis.blended_roas), Number((revenueCents / spendCents).toFixed(4)), `${day} ROAS`);
    }
    const quality = JSON.parse(
      await readFile(join(workDir, "bucket", "runs", `dt=${DAY}`, "steps", "check-quality.json"), "utf8"),
    ) as { findings: { check: string; severity: string }[] };
    const checks = quality.findings.map((finding) => `${finding.check}:${finding.severity}`);
    assert.ok(checks.includes("attribution_no_utms:info"), checks.join(", "));
    assert.ok(!checks.some((check) => check.startsWith("attribution_broken")), checks.join(", "));
  });
});
