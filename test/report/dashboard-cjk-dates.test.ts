// The dashboard page of a yen shop in Japanese, laid out by headless Chromium on a 390 px phone and a 1280 px
// laptop: Japanese breaks a line between any two characters, and a date broken across lines ("since 11月" over
// "12日(木)") reads as two things. The shop's data begins on Thu 12 Nov 2026, inside the 28 days, so its header,
// chart titles and notes name days; Meta had not landed from 17 Nov; the findings are the bad morning's
// (test/notify/bad-day-fixture.ts), their dates written in Japanese. Every date the page shows stays on one line.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { readChartJs, renderDashboardHtml } from "../../functions/report/dashboard-render.ts";
import type { ExtractRow } from "../../functions/report/dashboard-rows.ts";
import { BAD_DAY_FINDINGS } from "../notify/bad-day-fixture.ts";
import { type DrawnDate, JAPANESE_DATE_LINES, launchBrowser, openPage } from "../support/browser.ts";

const RUN_DATE = "2026-11-21";
const SHOP = { name: "Kissa Tokyo", currency: "JPY", locale: "ja-JP" };

// Ten days, 12–21 Nov 2026, of 100 orders and ¥1,000,000 each; Meta missing from the 17th on.
const DAILY: ExtractRow[] = Array.from({ length: 10 }, (_, index) => {
  const date = `2026-11-${String(12 + index).padStart(2, "0")}`;
  const late = date >= "2026-11-17";
  return {
    date,
    orders: "100",
    gross_revenue: "1000000",
    net_revenue: "950000",
    new_customers: "40",
    new_customer_revenue: "400000",
    returning_customer_revenue: "600000",
    ad_spend: "300000",
    orders_with_value: "100",
    orders_missing_value: "0",
    is_complete: late ? "false" : "true",
    missing_sources: late ? "facebook_ads" : "",
  };
});

const FINDINGS: ExtractRow[] = BAD_DAY_FINDINGS.map((finding) => ({
  run_date: RUN_DATE,
  step: finding.step,
  check_name: finding.check,
  subject: finding.subject,
  severity: finding.severity,
  message: finding.message,
}));

describe("a Japanese shop's dashboard page", { timeout: 120_000 }, () => {
  let browser: Browser;
  let html: string;
  before(async () => {
    browser = await launchBrowser();
    const model = buildDashboardModel(
      { daily_kpis: DAILY, findings: FINDINGS },
      { runDate: RUN_DATE, shop: SHOP, demo: false },
    );
    html = renderDashboardHtml(model, await readChartJs());
  });
  after(async () => {
    await browser?.close();
  });

  // Phones of 360 to 390 px and laptops of 1024 and 1280 px: where a date falls at a line's end depends on the width.
  for (const width of [360, 375, 390, 1024, 1280])
    it(`keeps every date on one line at ${width} px`, async () => {
      const { page, errors } = await openPage(browser, width);
      await page.setContent(html);
      const dates = (await page.evaluate(JAPANESE_DATE_LINES)) as DrawnDate[];
      assert.ok(dates.length >= 20, `${dates.length} dates shown`);
      const broken = dates.filter((one) => one.lines > 1).map((one) => one.date);
      assert.deepEqual(broken, [], `dates broken across lines: ${broken.join(", ")}`);
      assert.deepEqual(errors, []);
    });
});
