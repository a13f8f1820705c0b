// The summary email as a phone and a desktop show it: rendered in real headless Chromium at 390 px (a phone at
// 7 am) and 720 px wide, from the real summary-email path and the report fixture's mart rows, on a good day and on
// a bad day with 7 alerts over 3 sources. Checked: nothing scrolls sideways, no element spills out of the box
// that holds it (so no number is clipped), and the first screen (the top 800 px of the phone) shows the date,
// revenue, orders and ROAS with the values computed here from the fixture's figures, and every alert by source.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { buildReportData, KEY_DAYS, RUN_DATE } from "../report/report-data-fixture.ts";
import { ALERT_HISTORY, BAD_DAY_FINDINGS, buildBadDay, SCOREBOARD } from "./bad-day-fixture.ts";

const FIRST_SCREEN = 800;
const WIDTHS = [390, 720] as const;

/** Texts of the page with their boxes, as laid out: each text node's rectangle, page coordinates. */
interface PlacedText {
  text: string;
  top: number;
  bottom: number;
}

async function placedTexts(page: Page): Promise<PlacedText[]> {
  return page.evaluate(() => {
    const placed: { text: string; top: number; bottom: number }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (!text) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue; // hidden (the preheader)
      placed.push({ text, top: rect.top + window.scrollY, bottom: rect.bottom + window.scrollY });
    }
    return placed;
  });
}

// In-page code as text: tsx names the functions it compiles (__name), which the page does not have.
const OVERFLOWING = `(() => {
  const problems = [];
  const label = (element) =>
    "<" + element.tagName.toLowerCase() + "> \\"" + (element.textContent || "").trim().slice(0, 40) + "\\"";
  for (const element of Array.from(document.body.querySelectorAll("*"))) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const parent = element.parentElement;
    if (parent && parent !== document.body) {
      const outer = parent.getBoundingClientRect();
      if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5)
        problems.push(label(element) + " spills out of " + label(parent));
    }
    if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
      problems.push(label(element) + " is " + element.scrollWidth + "px wide in a " + element.clientWidth + "px box");
  }
  return problems;
})()`;

/** Elements whose box spills out of their parent's, or whose content is wider than their own box. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(OVERFLOWING);
}

const money = (value: number) => `$${value.toLocaleString("en-US")}`;

describe("summary email in headless Chromium", { timeout: 120_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  const today = KEY_DAYS[RUN_DATE]!;
  const expectedDay = {
    Revenue: money(today.gross),
    Orders: today.orders.toLocaleString("en-US"),
    ROAS: `${(today.gross / today.spend).toFixed(2)}×`,
  };

  const cases = [
    { name: "a good day", email: () => buildSummaryEmail(buildReportData()) },
    {
      name: "a bad day (7 alerts over 3 sources, Meta stale)",
      email: () =>
        buildSummaryEmail(buildBadDay(), {
          alertHistory: ALERT_HISTORY,
          reconciliation: SCOREBOARD,
          dashboardPageUrl: `https://storage.googleapis.com/pulse-demo/reports/dt=${RUN_DATE}/dashboard.html`,
        }),
    },
  ];

  for (const testCase of cases) {
    for (const width of WIDTHS) {
      it(`${testCase.name} at ${width}px: no sideways scroll, nothing spills out of its box`, async () => {
        const { page, errors } = await openPage(browser, width, FIRST_SCREEN);
        await page.setContent(testCase.email().html);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= width, `page is ${scrollWidth}px wide at ${width}px`);
        assert.deepEqual(await overflowing(page), []);
        assert.deepEqual(errors, []);
        await page.context().close();
      });
    }
  }

  it("a bad day's first phone screen says the date, the day's figures and every alert's source", async () => {
    const { page } = await openPage(browser, 390, FIRST_SCREEN);
    await page.setContent(cases[1]!.email().html);
    const texts = await placedTexts(page);
    const firstScreen = texts.filter((item) => item.bottom <= FIRST_SCREEN);
    const seen = firstScreen.map((item) => item.text);
    assert.ok(
      seen.some((text) => text.includes("Sat 21 Nov 2026")),
      `the date is on the first screen: ${seen.slice(0, 4).join(" | ")}`,
    );
    // Each figure right under its label, with the value worked out from the fixture's figures for the day.
    for (const [label, value] of Object.entries(expectedDay)) {
      const at = seen.indexOf(label);
      assert.ok(at >= 0, `${label} on the first screen`);
      assert.equal(seen[at + 1], value, `${label} shows ${value}`);
    }
    // ROAS needs Meta, which had not landed: its completeness mark is on the first screen too.
    assert.ok(seen.includes("* incomplete"));
    assert.ok(
      seen.some((text) => text.startsWith("* ROAS incomplete: excludes Meta: no data since Mon 16 Nov")),
    );
    // Every alert's source, by name, with the problem and the action.
    const sources = new Set(
      BAD_DAY_FINDINGS.filter((f) => f.severity !== "info").map((f) =>
        f.subject.startsWith("facebook_ads") || f.subject === "meta"
          ? "Meta"
          : f.subject.includes("tiktok")
            ? "TikTok"
            : "Shopify",
      ),
    );
    assert.equal(sources.size, 3);
    for (const source of sources) assert.ok(seen.includes(source), `${source}'s alerts on the first screen`);
    // Each of the 7 alerts by name (two TikTok and Meta alerts share "attribution broken").
    for (const problem of [
      "no data since Mon 16 Nov",
      "attribution broken",
      "spend differs from the API",
      "unusual spend",
      "orders without a total",
      "too few rows landed",
    ]) {
      assert.ok(
        seen.some((text) => text.includes(problem)),
        `"${problem}" on the first screen`,
      );
    }
    assert.ok(
      seen.some((text) =>
        text.includes("reconnect the Meta source in Airbyte, or drop a new Meta export into raw/inbox/"),
      ),
    );
    assert.ok(seen.some((text) => text.startsWith("Sources vs their APIs: 4 of 5 checks MATCH")));
    await page.context().close();
  });

  it("a good day's first phone screen has the same figures and its two alerts", async () => {
    const { page } = await openPage(browser, 390, FIRST_SCREEN);
    await page.setContent(cases[0]!.email().html);
    const seen = (await placedTexts(page)).filter((item) => item.bottom <= FIRST_SCREEN).map((i) => i.text);
    assert.ok(seen.some((text) => text.includes("Sat 21 Nov 2026")));
    for (const [label, value] of Object.entries(expectedDay))
      assert.equal(seen[seen.indexOf(label) + 1], value);
    assert.ok(!seen.includes("* incomplete"), "the good day's marts say every source landed");
    // The fixture's alerts: Meta Ads' freshness (critical) and TikTok's attribution (warning).
    assert.ok(seen.includes("Meta") && seen.includes("TikTok"));
    assert.ok(seen.some((text) => text.includes("no data since Mon 16 Nov")));
    assert.ok(seen.some((text) => text.includes("attribution broken")));
    await page.context().close();
  });

  it("keeps seven-figure revenue and five-figure orders whole on a phone", async () => {
    const data = buildReportData();
    const row = data.daily.find((candidate) => candidate.date === RUN_DATE)!;
    Object.assign(row, { gross_revenue: 1_234_567, orders: 23_456, ad_spend: 98_765 });
    Object.assign(row, { blended_roas: row.gross_revenue / row.ad_spend });
    const { page } = await openPage(browser, 390, FIRST_SCREEN);
    await page.setContent(buildSummaryEmail(data).html);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
    assert.deepEqual(await overflowing(page), []);
    const seen = (await placedTexts(page)).filter((item) => item.bottom <= FIRST_SCREEN).map((i) => i.text);
    assert.equal(seen[seen.indexOf("Revenue") + 1], "$1,234,567");
    assert.equal(seen[seen.indexOf("Orders") + 1], "23,456");
    assert.equal(seen[seen.indexOf("ROAS") + 1], `${(1_234_567 / 98_765).toFixed(2)}×`);
    await page.context().close();
  });
});
