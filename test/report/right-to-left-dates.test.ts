// A shop whose locale writes right to left (fa-IR, he-IL) reads the dashboard's dates in that direction, inside the
// page's left-to-right English: in headless Chromium, where each part of a date is drawn is measured. Read right to
// left, "۲–۲۹ نوامبر ۲۰۲۶" (2–29 November 2026) has its days rightmost, then the month, then the year; the English
// around it keeps its own order ("last 28 days:" before the date, the currency after it).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { readChartJs, renderDashboardHtml } from "../../functions/report/dashboard-render.ts";
import { rows } from "../support/extract-rows.ts";
import { launchBrowser, openPage } from "../support/browser.ts";

const RUN_DATE = "2026-11-29"; // the window: 2–29 Nov 2026
const daily = rows("date,gross_revenue,orders,is_complete", "2026-11-02,100,1,true", "2026-11-29,200,2,true");

// Each locale's parts of "2–29 November 2026", written out by hand, and the currency the header ends with.
const SHOPS = [
  { locale: "fa-IR", currency: "IRR", days: "۲–۲۹", month: "نوامبر", year: "۲۰۲۶" },
  { locale: "he-IL", currency: "ILS", days: "2–29", month: "נוב׳", year: "2026" },
];

describe("right-to-left dates in the dashboard's left-to-right page", () => {
  let browser: Browser;
  let chartJs: string;
  before(async () => {
    browser = await launchBrowser();
    chartJs = await readChartJs();
  });
  after(async () => {
    await browser.close();
  });

  for (const shop of SHOPS)
    it(`${shop.locale}: the header's range of days reads right to left, in the English sentence's order`, async () => {
      const model = buildDashboardModel(
        { daily_kpis: daily },
        {
          runDate: RUN_DATE,
          shop: { name: "Test", currency: shop.currency, locale: shop.locale },
          demo: false,
        },
      );
      const { page } = await openPage(browser, 1280);
      await page.setContent(renderDashboardHtml(model, chartJs));
      // The left edge of each piece of the header's text, found from its last occurrence (the range comes after
      // the run date, which names the same month and year).
      const left = await page.evaluate(
        (pieces) => {
          const paragraph = document.querySelector("header p");
          const node = paragraph?.firstChild;
          if (!node || !node.textContent) throw new Error("no header text");
          const text = node.textContent;
          return pieces.map((piece) => {
            const start = text.lastIndexOf(piece);
            if (start < 0) throw new Error(`"${piece}" is not in "${text}"`);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + piece.length);
            return range.getBoundingClientRect().left;
          });
        },
        ["last 28 days:", shop.days, shop.month, shop.year, shop.currency],
      );
      const [english, days, month, year, currency] = left as [number, number, number, number, number];
      assert.ok(
        days > month && month > year,
        `days ${days}, month ${month}, year ${year}: not right to left`,
      );
      assert.ok(
        english < year && currency > days,
        `the English around the date is out of order: ${left.join(", ")}`,
      );
      await page.context().close();
    });
});
