// The summary email of a Kuwaiti dinar shop in Arabic, laid out by headless Chromium: every comparison under a
// metric reads, left to right as the English around it, "vs <day>: ▲ <change> (<amount the day had>)". Arabic
// figures are right-to-left text; two of them with only a space and a bracket between them used to run together
// and swap places, the amount drawn before its change and its brackets turned outwards.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { buildReportData } from "../report/report-data-fixture.ts";

const KUWAIT_SHOP: ReportData["shop"] = {
  name: "Dar Al Oud",
  currency: "KWD",
  locale: "ar-KW",
  timezone: "Asia/Kuwait",
  country: "KW",
};

interface Box {
  left: number;
  right: number;
  top: number;
}
interface Comparison {
  change: string;
  base: string;
  changeBox: Box;
  open: Box;
  amount: Box;
  close: Box;
}

// In-page code as text: tsx names the functions it compiles (__name), which the page does not have. Each
// comparison: its change (the bold span after "vs <day>: ") and its amount in brackets (the next span), with the
// boxes of the change, of each bracket and of the amount between them.
const COMPARISONS = `(() => {
  const box = (node, from, to) => {
    const range = document.createRange();
    if (from === undefined) range.selectNodeContents(node);
    else {
      range.setStart(node, from);
      range.setEnd(node, to === undefined ? from + 1 : to);
    }
    const rect = range.getBoundingClientRect();
    return { left: rect.left, right: rect.right, top: Math.round(rect.top) };
  };
  return Array.from(document.querySelectorAll("span"))
    .filter((span) => /^vs /.test(span.textContent || "") && span.querySelector("span"))
    .map((span) => {
      const change = span.querySelector("span");
      const base = span.nextElementSibling;
      const text = base.firstChild;
      const length = text.textContent.length;
      return {
        change: change.textContent || "",
        base: base.textContent || "",
        changeBox: box(change),
        open: box(text, 0),
        amount: box(text, 1, length - 1),
        close: box(text, length - 1),
      };
    });
})()`;

describe("an Arabic shop's summary email", { timeout: 60_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it("draws each comparison's change before its amount, the amount inside its brackets", async () => {
    const { page, errors } = await openPage(browser, 720);
    await page.setContent(buildSummaryEmail({ ...buildReportData(), shop: KUWAIT_SHOP }).html);
    const comparisons = (await page.evaluate(COMPARISONS)) as Comparison[];
    assert.ok(comparisons.length >= 9, `${comparisons.length} comparisons`);
    // The fixture's amounts are Arabic: what is checked here is right-to-left text inside English.
    assert.ok(
      comparisons.some((one) => /[٠-٩].*د\.ك\./u.test(one.base)),
      comparisons[0]?.base,
    );
    for (const one of comparisons) {
      const what = `"${one.change}" and "${one.base}"`;
      if (one.changeBox.top !== one.amount.top) continue; // a narrow line broke between them
      assert.ok(one.changeBox.right <= one.open.left + 0.5, `${what}: the amount is drawn before its change`);
      assert.ok(
        one.open.right <= one.amount.left + 0.5 && one.amount.right <= one.close.left + 0.5,
        `${what}: the amount is not inside its brackets`,
      );
    }
    assert.deepEqual(errors, []);
  });
});
