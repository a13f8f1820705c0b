// The summary email of a yen shop in Japanese on a 390 px phone, laid out by headless Chromium, on a bad day (Meta
// stale, so days are named in its caveats): Japanese breaks a line between any two characters, and a date broken
// across lines ("no data since 11月" over "30日(月)") reads as two things. Every date it shows stays on one line.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { JAPANESE_DATE_LINES, launchBrowser, openPage } from "../support/browser.ts";
import { ALERT_HISTORY, buildBadDay } from "./bad-day-fixture.ts";
import { TOKYO_SHOP } from "../report/report-data-fixture.ts";

describe("a Japanese shop's summary email on a phone", { timeout: 60_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it("keeps every date on one line at 390 px", async () => {
    const { page, errors } = await openPage(browser, 390);
    const data = { ...buildBadDay(), shop: TOKYO_SHOP };
    await page.setContent(buildSummaryEmail(data, { alertHistory: ALERT_HISTORY }).html);
    const dates = (await page.evaluate(JAPANESE_DATE_LINES)) as { date: string; lines: number }[];
    assert.ok(dates.length >= 10, `${dates.length} dates shown`);
    const broken = dates.filter((one) => one.lines > 1).map((one) => one.date);
    assert.deepEqual(broken, [], `dates broken across lines: ${broken.join(", ")}`);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, "no sideways scroll");
    assert.deepEqual(errors, []);
  });
});
