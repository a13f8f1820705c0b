// The summary email on a bad morning (test/notify/bad-day-fixture.ts: 7 alerts over Meta, TikTok and Shopify, Meta
// stale since Mon 16 Nov, a reconciliation with one mismatch): incidents grouped per source with the action to
// take and their memory, the reconciliation line (and none when it did not run), the dashboard page slot, and
// mail-client-safe widths. Expected strings are written by hand from the fixture.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { reconciliationPath } from "../../functions/lib/bucket-layout.ts";
import { formatFindingText } from "../../functions/lib/reporting/display-format.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { reconciliationLine } from "../../functions/notify/reconciliation-line.ts";
import { readScoreboard } from "../../functions/notify/summary-inputs.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { RUN_DATE } from "../report/report-data-fixture.ts";
import { ALERT_HISTORY, BAD_DAY_FINDINGS, buildBadDay, SCOREBOARD } from "./bad-day-fixture.ts";

const DASHBOARD_PAGE = `https://storage.googleapis.com/pulse-demo/reports/dt=${RUN_DATE}/dashboard.html`;
const badDay = (extras: Parameters<typeof buildSummaryEmail>[1] = {}) =>
  buildSummaryEmail(buildBadDay(), { alertHistory: ALERT_HISTORY, reconciliation: SCOREBOARD, ...extras });

describe("summary email on a bad day", () => {
  it("puts the day's figures and the incidents per source, with action and memory, before anything else", () => {
    const { text } = badDay();
    const lines = text.split("\n");
    assert.deepEqual(lines.slice(3, 15), [
      "Revenue: $12,400 (▲ +24% vs last Sat)",
      "Orders: 200 (▲ +25% vs last Sat)",
      // 12,400 / 4,000 = 3.10; 2.00 a week before (+55%), not judged: Meta is missing from today's spend.
      "ROAS: 3.10× (▲ +55% vs last Sat) (incomplete: excludes Meta: no data since Mon 16 Nov)",
      "",
      "7 ALERTS FROM 3 SOURCES",
      "- Meta: no data since Mon 16 Nov, attribution broken and spend differs from the API — reconnect the Meta source in Airbyte, or drop a new Meta export into raw/inbox/ · ongoing since 17 Nov (day 5) · 2 others new today",
      "- Shopify: orders without a total and too few rows landed — check those orders in Shopify; re-sync Shopify in Airbyte for that day, or drop that day's Shopify export into raw/inbox/ · new today",
      "- TikTok: attribution broken and unusual spend — check the TikTok pixel and the UTM tags on its ads; check whether a promotion or an outage explains it · new today",
      "Resolved since yesterday: Google Ads: data late (2 days, from 19 Nov).",
      "Sources vs their APIs: 4 of 5 checks MATCH; Meta spend MISMATCH -3.1% on 12–14 Nov.",
      "",
      "COMPARED",
    ]);
    // Every alert is still there in full, with its source and memory, its dates written as the shop's locale does.
    const alerts = BAD_DAY_FINDINGS.filter((finding) => finding.severity !== "info");
    assert.equal(alerts.length, 7);
    for (const alert of alerts)
      assert.ok(text.includes(`: ${formatFindingText(alert.message, "en-US")}`), alert.check);
    assert.ok(text.includes("Days off: Fri 13 Nov 2026 (1,100 vs 1,960)."));
    assert.ok(text.includes("- [WARNING] Shopify · new today: Shopify landed 120 rows"));
  });

  it("gives the inbox's preview line the day's figures and the worst incident", () => {
    const { html } = badDay();
    const hidden = html.match(/<div style="display:none;[^"]*">([^<]*)<\/div>/)?.[1];
    assert.equal(
      hidden,
      "Revenue $12,400 · Orders 200 · ROAS 3.10× (incomplete) · Meta: no data since Mon 16 Nov, attribution broken and spend differs from the API",
    );
  });

  it("says to fix the pipeline's own connector, not Airbyte, for a source it pulls", () => {
    const { text } = badDay({ connectorSources: new Set(["facebook_ads"]) });
    assert.ok(
      text.includes(
        "- Meta: no data since Mon 16 Nov, attribution broken and spend differs from the API — check the Meta connector's credentials, then re-run the day",
      ),
    );
    assert.ok(
      text.includes(
        "re-sync Shopify in Airbyte for that day, or drop that day's Shopify export into raw/inbox/",
      ),
      "Shopify still lands through Airbyte",
    );
  });

  it("has no reconciliation line when the reconciliation did not run, and a MATCH line when all match", () => {
    const without = badDay({ reconciliation: null });
    assert.ok(!without.text.includes("their APIs"));
    assert.ok(!without.html.includes("their APIs"));
    const allMatch = {
      ...SCOREBOARD,
      entries: SCOREBOARD.entries.map((entry) => ({ ...entry, status: "MATCH" as const, days: [] })),
    };
    assert.equal(
      reconciliationLine(allMatch, "en-US"),
      "Sources match their APIs: 5 of 5 checks MATCH (6–19 Nov).",
    );
    assert.ok(
      badDay({ reconciliation: allMatch }).html.includes("Sources match their APIs: 5 of 5 checks MATCH"),
    );
    assert.equal(reconciliationLine({ ...SCOREBOARD, entries: [] }, "en-US"), undefined);
  });

  it("names the account only when a source has several, and counts mismatches past three", () => {
    const second = SCOREBOARD.entries.map((entry) => ({ ...entry, account: "999" }));
    const board = { ...SCOREBOARD, entries: [...SCOREBOARD.entries, ...second] };
    assert.equal(
      reconciliationLine(board, "en-US"),
      "Sources vs their APIs: 8 of 10 checks MATCH; Meta 1234567890 spend MISMATCH -3.1% on 12–14 Nov; Meta 999 spend MISMATCH -3.1% on 12–14 Nov.",
    );
    const spread = SCOREBOARD.entries.map((entry) => ({
      ...entry,
      status: "MISMATCH" as const,
      relative: 0.05,
      days: [{ day: "2026-11-14" }, { day: "2026-11-10" }],
    }));
    assert.equal(
      reconciliationLine({ ...SCOREBOARD, entries: spread }, "en-US"),
      "Sources vs their APIs: 0 of 5 checks MATCH; Shopify orders MISMATCH +5.0% on 10 Nov, 14 Nov; Shopify revenue MISMATCH +5.0% on 10 Nov, 14 Nov; Meta impressions MISMATCH +5.0% on 10 Nov, 14 Nov; 2 more.",
    );
  });

  it("links the day's dashboard page first when there is one, and not otherwise", () => {
    const withPage = badDay({ dashboardPageUrl: DASHBOARD_PAGE });
    assert.ok(withPage.html.includes(`href="${DASHBOARD_PAGE}"`));
    assert.ok(
      withPage.text.includes(`LINKS\nToday's dashboard page: ${DASHBOARD_PAGE}\nOpen the dashboard:`),
    );
    const without = badDay();
    assert.ok(!without.html.includes("dashboard.html"));
    assert.ok(!without.text.includes("Today's dashboard page"));
  });

  it("has no fixed width over 390px outside Outlook's ghost table, and the same numbers in both parts", () => {
    const { html, text } = badDay({ dashboardPageUrl: DASHBOARD_PAGE });
    const forEveryClient = html.replace(/<!--\[if mso\]>[\s\S]*?<!\[endif\]-->/g, "");
    for (const [, width] of forEveryClient.matchAll(/\swidth="(\d+)"/g)) {
      assert.ok(Number(width) <= 390, `a table or cell ${width}px wide`);
    }
    for (const [, property, width] of forEveryClient.matchAll(/(?<![-\w])(width|min-width):\s*(\d+)px/g)) {
      assert.ok(Number(width) <= 390, `${property}:${width}px`);
    }
    assert.ok(forEveryClient.includes("max-width:640px"));
    const numbers = (value: string) => new Set(value.match(/[-+]?\$?\d+(?:,\d{3})*(?:\.\d+)?[%×]?/g) ?? []);
    const visible = forEveryClient
      .replace(/<head>[\s\S]*?<\/head>/, "")
      .replace(/<div style="display:none[^"]*">[\s\S]*?<\/div>/, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&nbsp;/g, " ")
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&")
      .replace(/&middot;/g, "·");
    const textWithoutUrls = text.replace(/https?:\/\/\S+/g, "");
    const htmlWithoutUrls = visible.replace(/https?:\/\/\S+/g, "");
    assert.deepEqual([...numbers(htmlWithoutUrls)].sort(), [...numbers(textWithoutUrls)].sort());
  });
});

describe("reading the reconciliation scoreboard from the bucket", () => {
  let dir: string;
  let bucket: FolderBucket;
  const warnings: string[] = [];
  const context = () =>
    ({
      ports: { bucket },
      log: { warn: (message: string) => warnings.push(message) },
    }) as unknown as StepContext;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-scoreboard-"));
    bucket = new FolderBucket(join(dir, "bucket"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("is null when check-sources wrote none (the reconciliation did not run)", async () => {
    assert.equal(await readScoreboard(context(), RUN_DATE), null);
  });

  it("reads the file as check-sources writes it", async () => {
    // check-sources/reconciliation.ts: JSON.stringify({ runDate, window, tolerance, entries }, null, 2).
    const { runDate, window, tolerance, entries } = SCOREBOARD;
    const written = entries.map((entry) => ({ ...entry, difference: entry.warehouse - entry.api }));
    await bucket.write(
      reconciliationPath(RUN_DATE),
      `${JSON.stringify({ runDate, window, tolerance, entries: written }, null, 2)}\n`,
    );
    const board = await readScoreboard(context(), RUN_DATE);
    assert.equal(
      reconciliationLine(board, "en-US"),
      "Sources vs their APIs: 4 of 5 checks MATCH; Meta spend MISMATCH -3.1% on 12–14 Nov.",
    );
  });

  it("leaves out the line, says why and leaves the file alone when it is unreadable", async () => {
    await bucket.write(reconciliationPath(RUN_DATE), '{"entries": "nope"}');
    assert.equal(await readScoreboard(context(), RUN_DATE), null);
    assert.match(warnings.at(-1) ?? "", /reconciliation\.json is unreadable \(entries is not an array\)/);
    assert.ok(await bucket.exists(reconciliationPath(RUN_DATE)), "check-sources' file stays where it is");
  });
});
