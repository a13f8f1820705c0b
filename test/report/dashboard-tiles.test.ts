// The overview's tiles in headless Chromium, for shops whose amounts are long: a Kuwaiti dinar shop (three
// decimals, a four-character symbol, in Arabic and in English), a yen shop with seven digits of revenue and an
// Indian rupee shop with the Indian grouping. At a 1280 px laptop (seven tiles a row, the narrowest they get) and
// a 390 px phone (two a row), every amount stays on one line inside its tile. The rows are hand-made; the amounts
// expected are written out by hand from them.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { readChartJs, renderDashboardHtml } from "../../functions/report/dashboard-render.ts";
import type { ExtractRow } from "../../functions/report/dashboard-rows.ts";
import { launchBrowser, openPage } from "../support/browser.ts";

const RUN_DATE = "2026-11-28";
/**
 * Two days of the 28-day window whose sums are the long amounts: revenue 9,876,543.21, net revenue 8,765,432.1,
 * 10,000 orders (AOV 987.654321), 2,400 new customers, ad spend 2,345,678.9 (CAC 977.366208…).
 */
const DAILY: ExtractRow[] = [
  ["2026-11-01", 4000, 4000000, 3500000, 1000, 2000000, 2000000, 1000000, 4000],
  ["2026-11-28", 6000, 5876543.21, 5265432.1, 1400, 2876543.21, 3000000, 1345678.9, 6000],
].map(([date, orders, gross, net, customers, fresh, returning, spend, withValue]) => ({
  date: String(date),
  orders: String(orders),
  gross_revenue: String(gross),
  net_revenue: String(net),
  new_customers: String(customers),
  new_customer_revenue: String(fresh),
  returning_customer_revenue: String(returning),
  ad_spend: String(spend),
  orders_with_value: String(withValue),
  orders_missing_value: "0",
  is_complete: "true",
  missing_sources: "",
}));

// ICU wraps an Arabic amount in right-to-left marks, and a left-to-right mark after it hands the direction back to
// the English around it; the Arabic digits and separators are written out here.
const RLM = "\u200f";
const LRM = "\u200e";
const NBSP = "\u00a0";
const SHOPS = [
  {
    name: "dinar, Arabic",
    shop: { currency: "KWD", locale: "ar-KW" },
    revenue: `${RLM}٩٬٨٧٦٬٥٤٣${NBSP}د.ك.${RLM}${LRM}`,
    aov: `${RLM}٩٨٧٫٦٥٤${NBSP}د.ك.${RLM}${LRM}`,
    cac: `${RLM}٩٧٧٫٣٦٦${NBSP}د.ك.${RLM}${LRM}`,
  },
  {
    name: "dinar, English",
    shop: { currency: "KWD", locale: "en-KW" },
    revenue: `KWD${NBSP}9,876,543`,
    aov: `KWD${NBSP}987.654`,
    cac: `KWD${NBSP}977.366`,
  },
  {
    name: "yen",
    shop: { currency: "JPY", locale: "ja-JP" },
    revenue: "￥9,876,543",
    aov: "￥988",
    cac: "￥977",
  },
  {
    name: "rupee",
    shop: { currency: "INR", locale: "en-IN" },
    revenue: "₹98,76,543",
    aov: "₹987.65",
    cac: "₹977.37",
  },
] as const;

describe("the dashboard's tiles keep a long amount on one line", { timeout: 180_000 }, () => {
  let dir: string;
  let browser: Browser;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-dashboard-tiles-"));
    const chartJs = await readChartJs();
    for (const { name, shop } of SHOPS) {
      const model = buildDashboardModel(
        { daily_kpis: DAILY },
        { runDate: RUN_DATE, shop: { name: "Long Amounts", ...shop }, demo: false },
      );
      await writeFile(join(dir, `${name}.html`), renderDashboardHtml(model, chartJs));
    }
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const { name, revenue, aov, cac } of SHOPS)
    for (const width of [1280, 390])
      it(`${name}, at ${width} px`, async () => {
        const { page, errors } = await openPage(browser, width);
        await page.goto(pathToFileURL(join(dir, `${name}.html`)).toString());
        await page.waitForFunction(() => document.querySelectorAll("canvas").length > 0);
        const tiles = await page.locator("#overview [data-tile]").evaluateAll((nodes) =>
          nodes.map((tile) => {
            const value = tile.querySelector<HTMLElement>(".tile-value")!;
            const style = getComputedStyle(tile);
            const box = tile.getBoundingClientRect();
            // The tile's content box: inside its border and padding.
            const left = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
            const right = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
            const text = document.createRange();
            text.selectNodeContents(value);
            const lines = Array.from(text.getClientRects()).filter((rect) => rect.width > 0);
            const bounds = text.getBoundingClientRect();
            return {
              id: tile.getAttribute("data-tile") ?? "",
              text: value.textContent ?? "",
              lineTops: [...new Set(lines.map((rect) => Math.round(rect.top)))],
              height: value.getBoundingClientRect().height,
              lineHeight: parseFloat(getComputedStyle(value).lineHeight),
              fontSize: parseFloat(getComputedStyle(value).fontSize),
              textLeft: bounds.left,
              textRight: bounds.right,
              left,
              right,
            };
          }),
        );
        const shown = Object.fromEntries(tiles.map((tile) => [tile.id, tile.text]));
        assert.deepEqual(
          { revenue: shown.revenue, aov: shown.aov, cac: shown.cac },
          { revenue, aov, cac },
          "the long amounts are the ones shown",
        );
        assert.equal(tiles.length, 9);
        for (const tile of tiles) {
          const where = `${tile.id} "${tile.text}" at ${width} px`;
          assert.equal(tile.lineTops.length, 1, `${where}: on ${tile.lineTops.length} lines`);
          assert.ok(
            Math.abs(tile.height - tile.lineHeight) < 1,
            `${where}: ${tile.height} px tall, one line is ${tile.lineHeight} px`,
          );
          assert.ok(
            tile.textLeft >= tile.left - 0.5 && tile.textRight <= tile.right + 0.5,
            `${where}: its text spans ${tile.textLeft}–${tile.textRight}, the tile ${tile.left}–${tile.right}`,
          );
          // Fitted, not shrunk to nothing: a phone's tiles start at 18 px, a laptop's at 22 px.
          assert.ok(tile.fontSize >= 14, `${where}: ${tile.fontSize} px`);
        }
        // One size for the row, so that no figure looks bigger than its neighbours for being shorter.
        assert.equal(new Set(tiles.map((tile) => tile.fontSize)).size, 1, `${width} px: one font size`);
        assert.deepEqual(errors, []);
        await page.close();
      });
});
