// A finding's dates read as the rest of the output writes them, in the shop's locale: the checks store their
// sentences with ISO dates ("Days off: 2026-11-13"), and a fr-FR or ja-JP reader of the email (headless Chromium),
// the deck (LibreOffice) and the dashboard (headless Chromium) saw "2026-11-13" beside "sam. 21 nov. 2026". The bad
// morning of test/notify/bad-day-fixture.ts; every expected sentence below is written out by hand from its findings.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { readChartJs, renderDashboardHtml } from "../../functions/report/dashboard-render.ts";
import type { ExtractRow } from "../../functions/report/dashboard-rows.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { BAD_DAY_FINDINGS, buildBadDay } from "../notify/bad-day-fixture.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { japaneseLongDate } from "../support/reader-dates.ts";
import { renderDeckPages } from "../support/rendered-deck.ts";

const PARIS_SHOP: ReportData["shop"] = {
  name: "Maison Lune",
  currency: "USD",
  locale: "fr-FR",
  timezone: "Europe/Paris",
  country: "FR",
};
const TOKYO_SHOP: ReportData["shop"] = {
  name: "Kissa Tokyo",
  currency: "USD",
  locale: "ja-JP",
  timezone: "Asia/Tokyo",
  country: "JP",
};

// The sentences as each reader reads them: the dates of the stored messages (bad-day-fixture.ts) written by hand.
const FRENCH = [
  "Meta spent $4,000 with $0 attributed revenue on 2 of the last 7 days (15–16 nov. 2026): UTM attribution looks broken.",
  "MISMATCH: Meta Ads spend for 6–19 nov. 2026 is 26,800 in the warehouse against 27,660 from the API, a difference of -860 (-3.1%), over the 2% tolerance. Days off: ven. 13 nov. 2026 (1,100 vs 1,960).",
  "TikTok spent $1,000 with $0 attributed revenue on 1 of the last 7 days (21 nov. 2026): UTM attribution looks broken.",
  "TikTok spend on sam. 21 nov. 2026 was $1,000, below the usual $1,900 for that weekday",
  "3 orders on sam. 21 nov. 2026 have no total_price",
  "Shopify landed 120 rows for sam. 21 nov. 2026, far under the usual 180–260",
];
const JAPANESE = [
  "(2026年11月15日～16日): UTM attribution looks broken.",
  "MISMATCH: Meta Ads spend for 2026年11月6日～19日 is 26,800",
  "Days off: 2026年11月13日(金) (1,100 vs 1,960).",
  "TikTok spend on 2026年11月21日(土) was $1,000",
  "Shopify landed 120 rows for 2026年11月21日(土), far under",
];

const ISO_DATE = /\d{4}-\d{2}-\d{2}/;
// Spaces as a reader sees them: a no-break space, a narrow one, or a line's end in a wrapped cell are one space.
const spaced = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, " ");

describe("the dates in a finding's sentence, in the reader's locale", { timeout: 180_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function emailText(shop: ReportData["shop"]): Promise<string> {
    const { page, errors } = await openPage(browser, 720);
    await page.setContent(buildSummaryEmail({ ...buildBadDay(), shop }).html);
    const text = await page.evaluate(() => document.body.innerText);
    assert.deepEqual(errors, []);
    return spaced(text);
  }

  // The email's footer names the run by its run date, in the reader's words too.
  for (const [shop, expected, footer] of [
    [PARIS_SHOP, FRENCH, "Sent by DTC Pulse for Maison Lune, run date sam. 21 nov. 2026."],
    [TOKYO_SHOP, JAPANESE, `Sent by DTC Pulse for Kissa Tokyo, run date ${japaneseLongDate("2026-11-21")}.`],
  ] as const)
    it(`writes them as ${shop.locale} does in the summary email, as drawn in Chromium`, async () => {
      const text = await emailText(shop);
      for (const sentence of [...expected, footer])
        assert.ok(text.includes(sentence), `email lacks: ${sentence}`);
      assert.equal(text.match(ISO_DATE)?.[0], undefined);
    });

  it("writes them as fr-FR does in the deck's data quality table, as LibreOffice draws it", async () => {
    const data: ReportData = { ...buildBadDay(), shop: PARIS_SHOP };
    const pages = await renderDeckPages(await renderDeck(buildDeckContent(data)));
    const quality = pages.filter((page) => /^Data quality/m.test(page.text)).map((page) => spaced(page.text));
    assert.ok(quality.length >= 1, "a data quality slide");
    const text = quality.join(" ");
    for (const sentence of FRENCH) assert.ok(text.includes(sentence), `deck lacks: ${sentence}`);
    assert.equal(text.match(ISO_DATE)?.[0], undefined);
  });

  it("writes them as fr-FR does in the dashboard's findings table, as drawn in Chromium", async () => {
    const findings: ExtractRow[] = BAD_DAY_FINDINGS.map((finding) => ({
      run_date: "2026-11-21",
      step: finding.step,
      check_name: finding.check,
      subject: finding.subject,
      severity: finding.severity,
      message: finding.message,
    }));
    const daily: ExtractRow[] = [{ date: "2026-11-21", orders: "200", gross_revenue: "12400" }];
    const model = buildDashboardModel(
      { findings, daily_kpis: daily },
      { runDate: "2026-11-21", shop: PARIS_SHOP, demo: false },
    );
    const { page, errors } = await openPage(browser, 1280);
    await page.setContent(renderDashboardHtml(model, await readChartJs()));
    const text = spaced(
      await page.evaluate(() =>
        Array.from(document.querySelectorAll("table"))
          .filter((table) => table.innerText.includes("MISMATCH"))
          .map((table) => table.innerText)
          .join("\n"),
      ),
    );
    for (const sentence of FRENCH) assert.ok(text.includes(sentence), `dashboard lacks: ${sentence}`);
    assert.equal(text.match(ISO_DATE)?.[0], undefined);
    assert.deepEqual(errors, []);
  });
});
