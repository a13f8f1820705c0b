import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { escapeHtml, sanitizeHeader } from "../../functions/lib/reporting/html.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { ModelColumnsChangedError } from "../../functions/shared/model-columns.ts";
import { ColumnChangeRebuilds } from "../../functions/transform/model-shapes.ts";
import {
  buildReportData,
  DASHBOARD_URL,
  DECK_URL,
  FINDINGS,
  figuresOn,
  KEY_DAYS,
  firstMonthDays,
  steadyDays,
  RUN_DATE,
  TOKYO_SHOP,
  TOP_PRODUCTS,
} from "../report/report-data-fixture.ts";
import { germanLongDate, japaneseLongDate } from "../support/reader-dates.ts";

const HOSTILE = `<script>alert(1)</script> & "Co"`;
const HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;";

/** What a reader of the HTML part sees: the body's text, tags dropped and entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, "")
    .replace(/<div style="display:none[^"]*">[\s\S]*?<\/div>/, "")
    .replace(/<br>/g, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

const numbersIn = (text: string) => new Set(text.match(/[-+]?\$?\d+(?:,\d{3})*(?:\.\d+)?[%×]?/g) ?? []);

describe("summary email", () => {
  it("has a one-line subject with revenue, change vs last week, ROAS and the alert count", () => {
    const { subject } = buildSummaryEmail(buildReportData());
    const today = KEY_DAYS[RUN_DATE]!;
    const lastWeek = KEY_DAYS["2026-11-14"]!;
    const change = Math.round(((today.gross - lastWeek.gross) / lastWeek.gross) * 100);
    const roas = (today.gross / today.spend).toFixed(1);
    const alerts = FINDINGS.filter((f) => f.severity !== "info").length;
    assert.equal(
      subject,
      `Northwind Goods · Sat 21 Nov · $${(today.gross / 1000).toFixed(1)}k revenue (+${change}% vs last Sat) · ROAS ${roas} · ${alerts} alerts`,
    );
    assert.equal(
      subject,
      "Northwind Goods · Sat 21 Nov · $12.4k revenue (+24% vs last Sat) · ROAS 3.1 · 2 alerts",
    );
  });

  it("says in the subject what an incomplete ROAS waits for: a platform's data, or its exchange rate", () => {
    const data = buildReportData();
    const runDay = data.daily.find((row) => row.date === RUN_DATE);
    assert.ok(runDay);
    runDay.is_complete = false;
    runDay.missing_sources = "facebook_ads,tiktok_ads";
    // Meta's rows landed in dollars without a rate; TikTok's had not landed.
    runDay.unconverted_sources = "facebook_ads:USD";
    assert.match(
      buildSummaryEmail(data).subject,
      / · ROAS incomplete \(no TikTok data; Meta spend not converted\) · /,
    );
  });

  it("says which tables an upgrade had rebuilt whole, asking nothing", () => {
    const rebuilds = new ColumnChangeRebuilds(silentLogger());
    rebuilds.columnsChanged(
      new ModelColumnsChangedError("unified", "marketing_unified", {
        added: ["roas"],
        removed: [],
        retyped: [],
      }),
    );
    const { text, html } = buildSummaryEmail(buildReportData({ findings: rebuilds.findings() }));
    for (const body of [text, visibleText(html)]) {
      assert.match(body, /tables rebuilt after an upgrade/);
      assert.match(body, /nothing to do: earlier days now follow the new code/);
      assert.match(
        body,
        /An upgrade changed the columns of the model unified\.marketing_unified \(new: roas\): it was rebuilt from all history/,
      );
    }
  });

  it("keeps CR/LF and control characters out of the subject, even from the shop name", () => {
    const { subject } = buildSummaryEmail(
      buildReportData({ shopName: "Evil\r\nBcc: victim@example.com\u0000" }),
    );
    assert.ok(![...subject].some((char) => char.charCodeAt(0) < 0x20), "no control characters");
    assert.ok(subject.startsWith("Evil Bcc: victim@example.com · Sat 21 Nov · "));
    assert.equal(sanitizeHeader(" a\r\n\tb\u2028c "), "a b c");
  });

  it("says n/a in the subject rather than inventing numbers", () => {
    const data = buildReportData({ findings: [] });
    data.daily = data.daily.filter((row) => row.date !== RUN_DATE);
    assert.equal(
      buildSummaryEmail(data).subject,
      "Northwind Goods · Sat 21 Nov · n/a revenue (n/a vs last Sat) · ROAS n/a · 0 alerts",
    );
    const one = buildReportData({ findings: FINDINGS.filter((f) => f.severity === "critical") });
    assert.ok(buildSummaryEmail(one).subject.endsWith(" · 1 alert"));
  });

  it("shows the headline KPIs against the day before, last week and last year, in both parts", () => {
    const { html, text } = buildSummaryEmail(buildReportData());
    // Revenue: 12,400 against 11,000 (day before, +13%), 10,000 (last Sat, +24%), 8,000 (last year, +55%).
    assert.ok(
      text.includes(
        "- Revenue (gross): $12,400 | vs Fri 20 Nov: $11,000 (▲ +13%) | vs Sat 14 Nov: $10,000 (▲ +24%) | vs Sat 22 Nov 2025: $8,000 (▲ +55%)",
      ),
    );
    assert.ok(text.includes("- Orders: 200 | vs Fri 20 Nov: 176 (▲ +14%) | vs Sat 14 Nov: 160 (▲ +25%)"));
    assert.ok(text.includes("- AOV: $62.00 | vs Fri 20 Nov: $62.50 (▼ -1%)"));
    assert.ok(text.includes("- New customers: 80 | vs Fri 20 Nov: 64 (▲ +25%)"));
    assert.ok(text.includes("- Ad spend: $4,000 | vs Fri 20 Nov: $4,400 (▼ -9%)"));
    assert.ok(text.includes("- Blended ROAS: 3.10× | vs Fri 20 Nov: 2.50× (▲ +24%)"));
    assert.ok(text.includes("- MER: 3.00× | vs Fri 20 Nov: 2.41× (▲ +25%)"));
    const seen = visibleText(html);
    for (const value of ["$12,400", "$11,000", "+13%", "$8,000", "+55%", "176", "2.41×", "3.10×"]) {
      assert.ok(seen.includes(value), `HTML shows ${value}`);
    }
    // Good news green, bad news red, spend neutral grey.
    assert.match(html, /color:#1e7e34;font-weight:bold;">▲&nbsp;\+13%/);
    assert.match(html, /color:#b91c1c;font-weight:bold;">▼&nbsp;-1%/);
    assert.match(html, /color:#6b7280;font-weight:bold;">▼&nbsp;-9%/);
  });

  it("puts the same numbers in the HTML and the plain-text part", () => {
    const data = buildReportData();
    const { html, text } = buildSummaryEmail(data);
    const textWithoutUrls = text.replace(/https?:\/\/\S+/g, "");
    assert.deepEqual([...numbersIn(visibleText(html))].sort(), [...numbersIn(textWithoutUrls)].sort());
    assert.ok(numbersIn(textWithoutUrls).size > 40);
  });

  it("lists channels (n/a for a stale one), top 5 products and the alerts most severe first", () => {
    const { html, text } = buildSummaryEmail(buildReportData());
    assert.ok(text.includes("- Google Ads: spend $3,000, attributed revenue $9,000, ROAS 3.00"));
    assert.ok(
      text.includes("- Meta: spend n/a, attributed revenue n/a, ROAS n/a (no data since Mon 16 Nov)"),
    );
    assert.ok(text.includes("- TikTok: spend $1,000, attributed revenue $0, ROAS 0.00"));
    TOP_PRODUCTS.forEach((product, index) => {
      assert.ok(
        text.includes(
          `${index + 1}. ${product.product_title}: ${product.units} units, $${product.revenue.toLocaleString("en-US")}`,
        ),
      );
      assert.ok(html.includes(escapeHtml(product.product_title)));
    });
    const critical = FINDINGS.find((f) => f.severity === "critical")!.message;
    const warning = FINDINGS.find((f) => f.severity === "warning")!.message;
    const info = FINDINGS.find((f) => f.severity === "info")!.message;
    // The fixture's critical finding is about Meta (facebook_ads), the warning about TikTok; no history: new.
    const criticalLine = `- [CRITICAL] Meta · new today: ${critical}`;
    const warningLine = `- [WARNING] TikTok · new today: ${warning}`;
    assert.ok(text.indexOf(criticalLine) > 0);
    assert.ok(text.indexOf(criticalLine) < text.indexOf(warningLine));
    assert.ok(html.indexOf(escapeHtml(critical)) < html.indexOf(escapeHtml(warning)));
    assert.ok(!text.includes(info) && !html.includes(escapeHtml(info)), "info findings are not alerts");
    assert.ok(text.includes("1 informational finding in the deck."));
  });

  it('gives a channel with nothing on the run day no spend and no revenue, not a stale source\'s "no data since"', () => {
    const data = buildReportData();
    // Direct & organic had $400 of orders two days before the run date and none on it: no row that day.
    data.channels = [
      ...data.channels,
      {
        date: "2026-11-19",
        channel: "direct_or_organic",
        spend: 0,
        impressions: 0,
        clicks: 0,
        platform_conversions: 0,
        platform_conversion_value: 0,
        attributed_orders: 4,
        attributed_revenue: 400,
        roas: null,
      },
    ];
    const { html, text } = buildSummaryEmail(data);
    const line = "- Direct & organic: spend $0, attributed revenue $0, ROAS n/a";
    assert.ok(text.includes(`${line}\n`), text);
    assert.ok(!text.includes("Direct & organic: spend n/a"));
    assert.ok(!visibleText(html).includes("no data since Thu 19 Nov"));
    // Meta, whose platform had not landed, still says so.
    assert.ok(text.includes("- Meta: spend n/a"));
  });

  it("gives a paid channel whose platform the shop has not connected spend n/a, 'not connected', never $0", () => {
    const data = buildReportData();
    // The shop uses no TikTok account (check-sources judges no TikTok source), yet orders carry utm_source=tiktok:
    // $200 over 2 orders on the run day, the channel's only row; the platform reported nothing.
    data.sources = data.sources.filter((status) => status.source !== "tiktok_ads");
    data.channels = [
      ...data.channels.filter((row) => row.channel !== "tiktok"),
      {
        date: RUN_DATE,
        channel: "tiktok",
        spend: 0,
        impressions: 0,
        clicks: 0,
        platform_conversions: 0,
        platform_conversion_value: 0,
        attributed_orders: 2,
        attributed_revenue: 200,
        roas: null,
      },
    ];
    const { html, text } = buildSummaryEmail(data);
    assert.ok(
      text.includes("- TikTok: spend n/a, attributed revenue $200, ROAS n/a (not connected)\n"),
      text,
    );
    assert.ok(!text.includes("TikTok: spend $0"));
    assert.ok(visibleText(html).includes("not connected"));
    // Google Ads, connected and spending, reads as before.
    assert.ok(text.includes("- Google Ads: spend $3,000, attributed revenue $9,000, ROAS 3.00"));
  });

  it("shows at most five products", () => {
    const many = Array.from({ length: 7 }, (_, index) => ({
      product_title: `Product ${index + 1}`,
      category: "X",
      units: 1,
      orders: 1,
      revenue: 100 - index,
    }));
    const { text } = buildSummaryEmail(buildReportData({ topProducts: many }));
    assert.ok(text.includes("5. Product 5"));
    assert.ok(!text.includes("Product 6"));
  });

  it("escapes a hostile product name and finding message in the HTML", () => {
    const data = buildReportData({
      topProducts: [{ product_title: HOSTILE, category: "Apparel", units: 3, orders: 3, revenue: 120 }],
      findings: [
        {
          check: "attribution_broken",
          step: "check-quality",
          severity: "critical",
          blocking: false,
          subject: "meta",
          message: `Campaign <img src=x onerror=alert(1)> spent $500 & got "nothing".`,
        },
      ],
    });
    const { html, text } = buildSummaryEmail(data);
    assert.ok(!html.includes("<script>"));
    assert.ok(!html.includes("<img"));
    assert.ok(html.includes(HOSTILE_ESCAPED));
    assert.ok(
      html.includes("Campaign &lt;img src=x onerror=alert(1)&gt; spent $500 &amp; got &quot;nothing&quot;."),
    );
    // The plain-text part is not HTML: it carries the name as it is.
    assert.ok(text.includes(`1. ${HOSTILE}: 3 units, $120`));
  });

  it("escapes the shop name and only links http(s) URLs", () => {
    const data = buildReportData({
      shopName: `Tom & Jerry's <Shop>`,
      links: { dashboard: "javascript:alert(1)", deck: `${DECK_URL}?a=1&b="2"` },
    });
    const { html, text } = buildSummaryEmail(data);
    assert.ok(html.includes("Tom &amp; Jerry&#39;s &lt;Shop&gt;"));
    assert.ok(!html.includes('href="javascript:'));
    assert.ok(html.includes("Open the dashboard: javascript:alert(1)"));
    assert.ok(html.includes(`href="${escapeHtml(new URL(`${DECK_URL}?a=1&b="2"`).toString())}"`));
    assert.ok(text.includes("Open the dashboard: javascript:alert(1)"));
  });

  it("links the dashboard and the deck when configured, and leaves out what is not", () => {
    const both = buildSummaryEmail(buildReportData());
    assert.ok(both.html.includes(`href="${DASHBOARD_URL}"`));
    assert.ok(both.html.includes(`href="${DECK_URL}"`));
    assert.ok(both.text.includes(`Open the dashboard: ${DASHBOARD_URL}`));
    assert.ok(both.text.includes(`Download the deck: ${DECK_URL}`));
    const deckOnly = buildSummaryEmail(buildReportData({ links: { deck: DECK_URL } }));
    assert.ok(!deckOnly.html.includes("Open the dashboard"));
    assert.ok(!deckOnly.text.includes("Open the dashboard"));
    assert.ok(deckOnly.html.includes(`href="${DECK_URL}"`));
    const none = buildSummaryEmail(buildReportData({ links: {} }));
    assert.ok(!none.text.includes("LINKS"));
  });

  it("is mail-client HTML: table layout, inline styles only, 640px wide, dark on light", () => {
    const { html } = buildSummaryEmail(buildReportData());
    assert.ok(html.startsWith("<!DOCTYPE html>"));
    assert.ok(!/<style|<link|class=/.test(html));
    assert.ok(!/<script/i.test(html));
    assert.ok(html.includes("max-width:640px"));
    assert.ok(html.includes('role="presentation"'));
    assert.match(html, /<body style="[^"]*background-color:#f3f4f6;color:#111827;/);
  });

  it("is one fluid column: no fixed width over 390 px, but for Outlook for Windows' 640 px ghost table", () => {
    const { html } = buildSummaryEmail(buildReportData());
    // Outlook for Windows ignores max-width: its conditional comments hold a fixed 640 px table; no phone reads them.
    const outlookOnly = /<!--\[if mso\]>[\s\S]*?<!\[endif\]-->/g;
    assert.match(html, outlookOnly);
    const everyoneElse = html.replace(outlookOnly, "");
    const fixed = [
      ...everyoneElse.matchAll(/\bwidth="(\d+)"/g),
      ...everyoneElse.matchAll(/(?<![-\w])(?:min-)?width:\s*(\d+)px/g),
    ].map((match) => Number(match[1]));
    assert.deepEqual(
      fixed.filter((width) => width > 390),
      [],
    );
    assert.deepEqual(
      [...html.matchAll(/max-width:(\d+)px/g)].map((match) => match[1]),
      ["640"],
    );
  });

  it("leaves out last year when the history is short, and says so once", () => {
    const { html, text } = buildSummaryEmail(buildReportData({ historyDays: 30 }));
    assert.ok(
      text.includes(
        "- Revenue (gross): $12,400 | vs Fri 20 Nov: $11,000 (▲ +13%) | vs Sat 14 Nov: $10,000 (▲ +24%)\n",
      ),
      text,
    );
    // The 30 days end on the run date (Sat 21 Nov): the data begins Fri 23 Oct, after Sat 22 Nov 2025.
    const note = "No comparison with Sat 22 Nov 2025: the data begins Fri 23 Oct.";
    assert.equal(text.split(note).length - 1, 1, "said once, not under each of the seven figures");
    assert.ok(!text.includes("vs Sat 22 Nov 2025"));
    assert.ok(visibleText(html).includes(note));
    assert.ok(!visibleText(html).includes("vs Sat 22 Nov 2025"));
    let november = 0;
    for (let day = 1; day <= 21; day += 1)
      november += figuresOn(`2026-11-${String(day).padStart(2, "0")}`).gross;
    // The 30 days start on 23 Oct: the same days of October are before the data, and the line says so.
    assert.ok(
      text.includes(`revenue $${november.toLocaleString("en-US")} vs n/a (no data for 1–21 Oct 2026)`),
    );
    assert.ok(visibleText(html).includes("vs n/a (no data for 1–21 Oct 2026)"));
  });

  it("gives a shop's first, partial month to date from its first day of data, and why last month is n/a", () => {
    // Orders only from Sat 28 Nov 2026; the run date is Mon 30 Nov (the tester's case).
    const data = buildReportData();
    data.runDate = "2026-11-30";
    data.daily = firstMonthDays();
    const { html, text } = buildSummaryEmail(data);
    // $120 + $91 + $140 = $351 of revenue on $30 + $25 + $25 = $80 of spend: ROAS 351 / 80 = 4.3875.
    const line =
      "Month to date (28–30 Nov 2026, since 28 Nov, the first day of data): revenue $351 vs n/a (no data for 1–30 Oct 2026); ad spend $80; blended ROAS 4.39×.";
    assert.ok(text.includes(line), text);
    assert.ok(visibleText(html).includes(line));
    assert.ok(!text.includes("revenue n/a vs"), "the month to date is not n/a");
    // Against Sun 29 Nov only: a week before (Mon 23 Nov) and a year before (Mon 1 Dec 2025) are before the data.
    // Revenue $140 against $91: +54%.
    assert.ok(text.includes("- Revenue (gross): $140 | vs Sun 29 Nov: $91 (▲ +54%)\n"), text);
    const note = "No comparison with Mon 23 Nov or Mon 1 Dec 2025: the data begins Sat 28 Nov.";
    assert.ok(text.includes(note), text);
    assert.ok(visibleText(html).includes(note));
    // The subject and the headline figures, which compare with the same weekday a week before elsewhere, compare
    // with the day before: last Monday is before the data.
    const { subject } = buildSummaryEmail(data);
    assert.match(subject, /· \$140 revenue \(\+54% vs Sun 29 Nov\) ·/);
    assert.ok(visibleText(html).includes("▲ +54% vs Sun 29 Nov"), visibleText(html));
    assert.ok(!/vs last Mon/.test(text + visibleText(html)), "nothing compared with a day before the data");
  });

  it("compares a shop's first day of data with nothing in its subject and headline figures", () => {
    const data = buildReportData();
    data.runDate = "2026-11-28";
    data.daily = firstMonthDays().filter((row) => row.date === "2026-11-28");
    const { subject, html, text } = buildSummaryEmail(data);
    // Sat 28 Nov alone: $120 of revenue, no day to compare it with.
    assert.match(subject, /· Sat 28 Nov · \$120 revenue · ROAS /);
    assert.ok(visibleText(html).includes("first day of data"), visibleText(html));
    assert.ok(!/vs last Sat|n\/a vs/.test(text + visibleText(html)), text);
  });

  it("says last month is not like for like when the data starts partway through it", () => {
    const data = buildReportData();
    data.runDate = "2026-11-30";
    data.daily = steadyDays("2026-10-15", "2026-11-30");
    const { text } = buildSummaryEmail(data);
    // 1–30 Nov: 30 days × $1,000 and × $400; ROAS 1,000 / 400 = 2.5.
    assert.ok(
      text.includes(
        "Month to date (1–30 Nov 2026): revenue $30,000 vs n/a (1–30 Oct 2026 is not like for like: the data starts 15 Oct 2026); ad spend $12,000; blended ROAS 2.50×.",
      ),
      text,
    );
  });

  it("names the run date in its footer as the shop's locale writes its dates, in both parts", () => {
    const berlin = { ...buildReportData().shop, name: "Nordwind Waren", currency: "EUR", locale: "de-DE" };
    for (const [shop, footer] of [
      [buildReportData().shop, "Sent by DTC Pulse for Northwind Goods, run date Sat 21 Nov 2026."],
      [berlin, `Sent by DTC Pulse for Nordwind Waren, run date ${germanLongDate(RUN_DATE)}.`],
      [TOKYO_SHOP, `Sent by DTC Pulse for Kissa Tokyo, run date ${japaneseLongDate(RUN_DATE)}.`],
    ] as const) {
      const { html, text } = buildSummaryEmail({ ...buildReportData(), shop });
      assert.equal(text.trimEnd().split("\n").at(-1), footer, shop.locale);
      // The HTML part's last cell, its text without the tags that keep a Japanese date on one line.
      const cell = /<td [^>]*>(Sent by [^]*?)<\/td>/.exec(html)?.[1] ?? "";
      assert.equal(cell.replace(/<[^>]+>/g, ""), footer, shop.locale);
    }
  });

  it("says so when there are no alerts", () => {
    const { html, text } = buildSummaryEmail(buildReportData({ findings: [] }));
    assert.ok(text.includes("ALERTS\nNo alerts today."));
    assert.ok(text.includes("ALERT DETAILS\nNo alerts."));
    assert.ok(html.includes("No alerts."));
    assert.ok(!html.includes("need attention"));
  });

  it("says in the subject that no Shopify order has landed yet, rather than a last order day of n/a", () => {
    const data = buildReportData();
    const shopify = data.sources.find((source) => source.source === "shopify");
    assert.ok(shopify);
    Object.assign(shopify, { lastEventDate: null, lagDays: null, status: "critical" });
    const { subject, text } = buildSummaryEmail(data);
    assert.match(subject, /Sat 21 Nov · No Shopify orders loaded yet · /);
    assert.doesNotMatch(subject, /n\/a/);
    assert.ok(text.toLowerCase().includes("shopify data is stale: no orders have landed."));
  });

  it("says first that the day comes before the shop's data, when no day up to it has data", () => {
    // A run for 21 Nov of a shop whose first order is later: Shopify is fresh, and the report has no day.
    const data = { ...buildReportData(), daily: [] };
    const { html, text } = buildSummaryEmail(data);
    const banner =
      "No orders or ad spend on or before Sat 21 Nov: this day comes before the shop's data begins, so every figure below is n/a. Run a later date.";
    assert.equal(text.split("\n")[3], banner.toUpperCase());
    const visible = visibleText(html);
    assert.ok(visible.indexOf(banner) >= 0 && visible.indexOf(banner) < visible.indexOf("Revenue"));
  });

  it("says first, in the subject and above everything, when Shopify is critically stale", () => {
    const data = buildReportData();
    const shopify = data.sources.find((source) => source.source === "shopify");
    assert.ok(shopify);
    Object.assign(shopify, { lastEventDate: "2026-11-18", lagDays: 3, status: "critical" });
    // The marts say the same: the days after the 18th miss Shopify.
    for (const row of data.daily) if (row.date > "2026-11-18") row.missing_sources = "shopify";
    const { subject, html, text } = buildSummaryEmail(data);
    assert.match(subject, /Sat 21 Nov · Shopify data stale \(last order day Wed 18 Nov\) · /);
    assert.doesNotMatch(subject, /revenue \(/);
    assert.doesNotMatch(subject, /ROAS \d/);
    const banner = "Shopify data is stale: no orders since Wed 18 Nov.";
    assert.equal(
      text.split("\n")[3],
      `${banner} Revenue, orders and every ratio below are incomplete; re-run this day once Shopify has synced.`.toUpperCase(),
    );
    const visible = visibleText(html);
    assert.ok(visible.indexOf(banner) >= 0 && visible.indexOf(banner) < visible.indexOf("Revenue"));
    // The first screen's figures carry it too.
    for (const label of ["Revenue", "Orders", "ROAS"]) {
      const line = text.split("\n").find((candidate) => candidate.startsWith(`${label}: `));
      assert.match(line ?? "", /\(incomplete: excludes Shopify: no data since Wed 18 Nov\)$/, label);
    }
    assert.ok(html.includes("* Revenue incomplete: excludes Shopify: no data since Wed 18 Nov."));
    // Every headline figure carries the mark.
    for (const label of [
      "Revenue (gross)",
      "Orders",
      "AOV",
      "New customers",
      "Ad spend",
      "Blended ROAS",
      "MER",
    ]) {
      const line = text.split("\n").find((candidate) => candidate.startsWith(`- ${label}:`));
      assert.match(line ?? "", /\(incomplete: excludes Shopify: no data since Wed 18 Nov\)/, label);
    }
  });
});
