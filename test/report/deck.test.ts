// The deck end to end: content model → .pptx → unzipped XML, checked against the fixture's mart rows. Expected
// values are computed here from the fixture with the test's own arithmetic and formatting, not the code's.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import JSZip from "jszip";
import { buildDeckContent, type DeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import {
  buildReportData,
  CHANNEL_GAPS,
  channelMonthRows,
  channelRows,
  COHORTS,
  FINDINGS,
  figuresOn,
  MONTHS,
  PRODUCT_MONTHS,
  PRODUCT_PERIODS,
  REGIONS,
  RUN_DATE,
} from "./report-data-fixture.ts";
import {
  chartOnSlide,
  chartXmlOnSlide,
  count,
  GREEN,
  GREY,
  type OpenedDeck,
  openDeck,
  paragraphs,
  pct,
  RED,
  runColor,
  shapeNamed,
  slideTitle,
  slideWithTitle,
  tableRows,
  texts,
  times,
  usd,
} from "./pptx-reader.ts";

const percent = (fraction: number, decimals = 1) => `${(fraction * 100).toFixed(decimals)}%`;
const arrowed = (change: string) =>
  change.startsWith("+") ? `▲ ${change}` : change.startsWith("-") ? `▼ ${change}` : change;

/** The fixture's daily figures summed over a range, with the README's formulas. */
function sumDays(from: string, to: string) {
  const totals = { gross: 0, net: 0, refunds: 0, discounts: 0, orders: 0, spend: 0, newCustomers: 0 };
  for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`);) {
    const f = figuresOn(day.toISOString().slice(0, 10));
    totals.gross += f.gross;
    totals.net += f.gross - f.refunds;
    totals.refunds += f.refunds;
    totals.discounts += f.discounts;
    totals.orders += f.orders;
    totals.spend += f.spend;
    totals.newCustomers += f.newCustomers;
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return {
    ...totals,
    aov: totals.gross / totals.orders,
    roas: totals.gross / totals.spend,
    mer: totals.net / totals.spend,
    cac: totals.spend / totals.newCustomers,
  };
}
type Sums = ReturnType<typeof sumDays>;

const EMU = 914_400;
const SLIDE_W = 10 * EMU;
const SLIDE_H = 5.625 * EMU;
const FOOTER_RULE = (5.27 - 0.04) * EMU;

const EXPECTED_TITLES = [
  "Monthly performance review — November 2026",
  "Takeaways — what moved and why",
  "Executive summary — month to date",
  "Month to date and last full month",
  "Marketing efficiency and contribution",
  "Sitewide overview — month by month",
  "Revenue and orders trend — last 13 months",
  "Revenue and ad spend — last 28 days",
  "Conversion and revenue efficiency",
  "New and returning customers",
  "Top products — November 2026 to Sat 21 Nov",
  "Premium products — November 2026",
  "Top regions — November 2026 to Sat 21 Nov",
  "LTV by cohort — cumulative revenue per customer",
  "Retention by cohort — share of customers ordering again",
  "Channel mix — November 2026 to Sat 21 Nov",
  "Paid channel performance",
  "New customers by channel — November 2026",
  "Monthly PPC index",
  "Channels — Sat 21 Nov",
  "Top campaigns and ad groups by spend",
  "Data quality",
  "Paid channels: zero and missing days — last 28 days",
  "What to do next",
  "Coverage — what this deck cannot show yet",
  "Methodology — KPI definitions",
  "Methodology — KPI definitions (continued)",
  "Methodology — KPI definitions (continued)",
  "Methodology — KPI definitions (continued)",
  "Methodology — sources and marts",
];

describe("deck", () => {
  const data = buildReportData();
  let content: DeckContent;
  let deck: OpenedDeck;
  let buffer: Buffer;
  const nov = sumDays("2026-11-01", "2026-11-21");
  const oct21 = sumDays("2026-10-01", "2026-10-21");
  const nov21LastYear = sumDays("2025-11-01", "2025-11-21");

  before(async () => {
    content = buildDeckContent(data);
    buffer = await renderDeck(content);
    deck = await openDeck(buffer);
  });

  it("is a 16:9 pptx with the six sections' slides in order", async () => {
    assert.equal(buffer.subarray(0, 2).toString("latin1"), "PK");
    const presentation = await deck.zip.file("ppt/presentation.xml")!.async("string");
    assert.match(presentation, /<p:sldSz cx="9144000" cy="5143500"/);
    assert.deepEqual(deck.slides.map(slideTitle), EXPECTED_TITLES);
    assert.equal(content.slides.length, deck.slides.length);
    const sections = deck.slides.slice(1).map((xml) => texts(shapeNamed(xml, "section")).join(""));
    assert.deepEqual(
      [...new Set(sections)],
      ["TOTAL BUSINESS", "DTC PERFORMANCE", "PAID MARKETING", "DATA QUALITY", "WHAT TO DO", "APPENDIX"],
    );
  });

  it("is deflated, every part of it, as PowerPoint saves a deck", () => {
    // The zip's central directory, read here: the end record (the file's last 22 bytes, no comment) gives its
    // entry count and offset; then one 46-byte record per part (method at 10, sizes at 20 and 24).
    const end = buffer.length - 22;
    assert.equal(buffer.readUInt32LE(end), 0x06054b50, "end of central directory");
    const parts: { name: string; method: number; compressed: number; size: number }[] = [];
    let at = buffer.readUInt32LE(end + 16);
    for (let entry = 0; entry < buffer.readUInt16LE(end + 10); entry++) {
      assert.equal(buffer.readUInt32LE(at), 0x02014b50, "central directory record");
      const nameLength = buffer.readUInt16LE(at + 28);
      parts.push({
        name: buffer.subarray(at + 46, at + 46 + nameLength).toString("utf8"),
        method: buffer.readUInt16LE(at + 10),
        compressed: buffer.readUInt32LE(at + 20),
        size: buffer.readUInt32LE(at + 24),
      });
      at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    }
    const files = parts.filter((part) => !part.name.endsWith("/"));
    assert.ok(files.length > deck.slides.length, `${files.length} parts`);
    assert.deepEqual(
      files.filter((part) => part.method !== 8).map((part) => part.name),
      [],
      "every part deflated (method 8)",
    );
    const whole = files.reduce((sum, part) => sum + part.size, 0);
    const deflated = files.reduce((sum, part) => sum + part.compressed, 0);
    assert.ok(deflated < whole / 4, `${deflated} bytes deflated of ${whole}`);
  });

  it("puts every slide on a master with the footer (shop, deck, period) and the slide number", async () => {
    const layouts = await Promise.all(
      Object.keys(deck.zip.files)
        .filter((name) => /^ppt\/slideLayouts\/slideLayout\d+\.xml$/.test(name))
        .map((name) => deck.zip.file(name)!.async("string")),
    );
    const footers = layouts.filter((xml) =>
      texts(xml).includes(
        "Northwind Goods · Monthly performance review — November 2026 · Month to date 1–21 Nov 2026",
      ),
    );
    assert.equal(footers.length, 2, "cover and content masters both carry the footer");
    for (const xml of footers) assert.match(xml, /type="sldNum"/);
  });

  it("opens with the shop, both periods and what they are compared with", () => {
    const all = texts(deck.slides[0] ?? "").join("\n");
    assert.ok(all.includes("Northwind Goods"));
    assert.ok(all.includes("Month to date: 1–21 Nov 2026, against 1–21 Oct 2026 and 1–21 Nov 2025"));
    assert.ok(all.includes("Last full month: October 2026, against 1–30 Sep 2026 and 1–31 Oct 2025"));
    assert.ok(all.includes("Data through Sat 21 Nov 2026 (America/New_York); all money in USD"));
    assert.ok(!all.includes("History available"), "13 months of history: no warning");
  });

  it("shows each KPI card's month-to-date value, with changes vs last month and last year", () => {
    const slide = slideWithTitle(deck, "Executive summary").xml;
    const cards: {
      metric: string;
      label: string;
      value: (s: Sums) => number;
      show: (v: number) => string;
    }[] = [
      { metric: "gross_revenue", label: "Gross revenue", value: (s) => s.gross, show: (v) => usd(v) },
      { metric: "net_revenue", label: "Net revenue", value: (s) => s.net, show: (v) => usd(v) },
      { metric: "ad_spend", label: "Ad spend", value: (s) => s.spend, show: (v) => usd(v) },
      { metric: "orders", label: "Orders", value: (s) => s.orders, show: count },
      { metric: "blended_roas", label: "Blended ROAS", value: (s) => s.roas, show: times },
      { metric: "mer", label: "MER", value: (s) => s.mer, show: times },
      { metric: "aov", label: "AOV", value: (s) => s.aov, show: (v) => usd(v, 2) },
      { metric: "cac", label: "CAC", value: (s) => s.cac, show: (v) => usd(v, 2) },
      { metric: "new_customers", label: "New customers", value: (s) => s.newCustomers, show: count },
    ];
    for (const card of cards) {
      const [label, value, month, year] = paragraphs(shapeNamed(slide, `kpi-${card.metric}`));
      assert.equal(label, card.label);
      assert.equal(value, card.show(card.value(nov)), `${card.metric} value`);
      assert.equal(month, `${arrowed(pct(card.value(nov), card.value(oct21)))} vs last month`, card.metric);
      assert.equal(
        year,
        `${arrowed(pct(card.value(nov), card.value(nov21LastYear)))} vs last year`,
        card.metric,
      );
    }
    // A hand check against the fixture's table: 21 November days, three of them key days (14, 20, 21).
    assert.equal(nov.gross, 12_400 + 11_000 + 10_000 + 18 * 5_000 + 100 * (231 - 14 - 20 - 21));
  });

  it("colours changes by whether they are good for the metric", () => {
    const slide = slideWithTitle(deck, "Executive summary").xml;
    const colourOf = (metric: string, value: number, base: number) =>
      runColor(shapeNamed(slide, `kpi-${metric}`), pct(value, base));
    assert.equal(colourOf("gross_revenue", nov.gross, oct21.gross), nov.gross > oct21.gross ? GREEN : RED);
    assert.equal(colourOf("cac", nov.cac, oct21.cac), nov.cac < oct21.cac ? GREEN : RED);
    assert.equal(colourOf("ad_spend", nov.spend, oct21.spend), GREY, "spend is neutral");
  });

  it("puts month to date and the last full month side by side, each against its bases", () => {
    const slide = slideWithTitle(deck, "Month to date and last full month").xml;
    const rows = tableRows(slide, "periods");
    assert.deepEqual(rows[0], [
      "Metric",
      "1–21 Nov 2026",
      "vs last month",
      "vs last year",
      "October 2026",
      "vs month before",
      "vs last year",
    ]);
    const oct = sumDays("2026-10-01", "2026-10-31");
    const sep = sumDays("2026-09-01", "2026-09-30");
    const octLastYear = sumDays("2025-10-01", "2025-10-31");
    assert.deepEqual(rows[1], [
      "Gross revenue",
      usd(nov.gross),
      arrowed(pct(nov.gross, oct21.gross)),
      arrowed(pct(nov.gross, nov21LastYear.gross)),
      usd(oct.gross),
      arrowed(pct(oct.gross, sep.gross)),
      arrowed(pct(oct.gross, octLastYear.gross)),
    ]);
    assert.equal(rows.length, 10, "header and the nine KPIs");
  });

  it("charts blended ROAS and MER from executive_summary_monthly, and shows contribution after spend", async () => {
    const { xml, number } = slideWithTitle(deck, "Marketing efficiency");
    const [roas, mer] = await chartOnSlide(deck, number, "efficiency-monthly");
    assert.deepEqual(
      roas?.values,
      data.marts.monthly.map((row) => row.blended_roas),
    );
    assert.deepEqual(
      mer?.values,
      data.marts.monthly.map((row) => row.mer),
    );
    assert.equal(roas?.categories[0], "Nov 2025");
    const rows = tableRows(xml, "efficiency");
    const contribution = (s: Sums) => s.net - s.spend;
    assert.deepEqual(rows[3], [
      "Contribution after ad spend",
      usd(contribution(nov)),
      arrowed(pct(contribution(nov), contribution(oct21))),
      arrowed(pct(contribution(nov), contribution(nov21LastYear))),
    ]);
  });

  it("lists every month of executive_summary_monthly, newest first, n/a where no year-ago month", () => {
    const rows = tableRows(slideWithTitle(deck, "Sitewide overview").xml, "sitewide-monthly");
    assert.equal(rows.length, 1 + MONTHS.length);
    const newest = data.marts.monthly.at(-1)!;
    assert.deepEqual(rows[1]?.slice(0, 5), [
      "1–21 Nov 2026",
      count(newest.orders),
      usd(newest.gross_revenue),
      usd(newest.refunds),
      usd(newest.net_revenue),
    ]);
    assert.equal(rows[1]?.[8], arrowed(pct(newest.gross_revenue, newest.last_year_gross_revenue!)));
    // History starts 1 Oct 2025: November 2025 has no year-ago month.
    assert.deepEqual(rows.at(-1)?.slice(-2), ["n/a", "n/a"]);
  });

  it("charts monthly revenue and orders against last year as native charts, gaps (not zeros) where missing", async () => {
    const { number } = slideWithTitle(deck, "Revenue and orders trend");
    const [revenue, lastYear] = await chartOnSlide(deck, number, "revenue-monthly");
    assert.deepEqual(
      revenue?.values,
      data.marts.monthly.map((row) => row.gross_revenue),
    );
    assert.deepEqual(
      lastYear?.values,
      data.marts.monthly.map((row) => row.last_year_gross_revenue),
    );
    assert.equal(lastYear?.values[0], null, "no year-ago November 2025: an empty point, not 0");
    const [orders] = await chartOnSlide(deck, number, "orders-monthly");
    assert.deepEqual(
      orders?.values,
      data.marts.monthly.map((row) => row.orders),
    );
  });

  it("starts the value axis of every bar chart at 0, so a small dip does not look like a collapse", async () => {
    // Left to itself, PowerPoint (and LibreOffice) starts the axis above 0 when the values lie close together:
    // 2.03M against 1.74M drawn from 1.5M shows a bar less than half as tall for 15 % less.
    const valueAxisMin = (chartXml: string) => {
      const axis = /<c:valAx>([\s\S]*?)<\/c:valAx>/.exec(chartXml)?.[1] ?? "";
      const scaling = /<c:scaling>([\s\S]*?)<\/c:scaling>/.exec(axis)?.[1] ?? "";
      return /<c:min val="([^"]*)"\/>/.exec(scaling)?.[1];
    };
    const charts: [string, string][] = [
      ["Revenue and orders trend", "revenue-monthly"],
      ["Revenue and orders trend", "orders-monthly"],
      ["Revenue and ad spend", "revenue-spend-trend"],
    ];
    for (const [title, name] of charts) {
      const { number } = slideWithTitle(deck, title);
      const chartXml = await chartXmlOnSlide(deck, number, name);
      assert.match(chartXml, /<c:barChart>/, `${name} draws bars`);
      assert.equal(valueAxisMin(chartXml), "0", `${name}: value axis from 0`);
    }
  });

  it("charts the last 28 days of revenue (bars) and spend (line) with the data in an embedded workbook", async () => {
    const { number } = slideWithTitle(deck, "Revenue and ad spend");
    const series = await chartOnSlide(deck, number, "revenue-spend-trend");
    const days = data.daily.filter((row) => row.date >= "2026-10-25");
    assert.equal(days.length, 28);
    assert.deepEqual(
      series.map((s) => s.name),
      ["Gross revenue", "Ad spend"],
    );
    assert.deepEqual(
      series[0]?.values,
      days.map((row) => figuresOn(row.date).gross),
    );
    assert.deepEqual(
      series[1]?.values,
      days.map((row) => figuresOn(row.date).spend),
    );
    assert.equal(series[0]?.categories[0], "25 Oct");
    const files = Object.values(deck.zip.files).filter((file) => !file.dir);
    assert.ok(!files.some((file) => file.name.startsWith("ppt/media/")), "no pictures in the deck");
    const slideRels = await deck.zip.file(`ppt/slides/_rels/slide${number}.xml.rels`)!.async("string");
    const chartName = /Target="[^"]*\/charts\/(chart\d+\.xml)"/.exec(slideRels)?.[1];
    const chartRels = await deck.zip.file(`ppt/charts/_rels/${chartName}.rels`)!.async("string");
    const embedded = /Target="\.\.\/embeddings\/([^"]+\.xlsx)"/.exec(chartRels)?.[1];
    assert.ok(embedded, "chart has an embedded workbook");
    const workbook = await JSZip.loadAsync(
      await deck.zip.file(`ppt/embeddings/${embedded}`)!.async("nodebuffer"),
    );
    const sheet = await workbook.file("xl/worksheets/sheet1.xml")!.async("string");
    const column = [...sheet.matchAll(/<c r="B\d+"><v>([^<]*)<\/v><\/c>/g)].map((match) => Number(match[1]));
    assert.deepEqual(
      column,
      days.map((row) => figuresOn(row.date).gross),
    );
  });

  it("shows revenue efficiency from the period's sums and says conversion rate needs GA4", () => {
    const rows = tableRows(slideWithTitle(deck, "Conversion and revenue efficiency").xml, "conversion");
    assert.deepEqual(rows[1]?.slice(0, 2), ["AOV", usd(nov.aov, 2)]);
    assert.deepEqual(rows[4]?.slice(0, 2), ["Discounts ÷ gross revenue", percent(nov.discounts / nov.gross)]);
    assert.deepEqual(rows[5]?.slice(0, 2), ["Refunds ÷ gross revenue", percent(nov.refunds / nov.gross)]);
    // A rate's change is in percentage points (the difference of the two rates), never a percentage of a percentage.
    const points = (now: number, base: number) => {
      // The unit joined to its number by a no-break space, so that a narrow column never strands it.
      const text = `${Math.abs(now - base) * 100 < 0.05 ? "0.0" : ((now - base) * 100).toFixed(1)}\u00a0pts`;
      return arrowed(text.startsWith("-") || text.startsWith("0.0") ? text : `+${text}`);
    };
    assert.equal(rows[4]?.[2], points(nov.discounts / nov.gross, oct21.discounts / oct21.gross));
    assert.equal(rows[5]?.[2], points(nov.refunds / nov.gross, oct21.refunds / oct21.gross));
    assert.match(rows[4]?.[2] ?? "", /\u00a0pts$/);
    assert.deepEqual(rows[6], ["Conversion rate", "n/a", "n/a", "n/a", "n/a"]);
  });

  it("stacks new and returning customer revenue per month from the daily rows", async () => {
    const { number } = slideWithTitle(deck, "New and returning customers");
    const [fresh, returning] = await chartOnSlide(deck, number, "new-returning-monthly");
    const expected = data.marts.monthly.map((month) => sumDays(month.month, month.period_end).gross / 2);
    assert.deepEqual(fresh?.values, expected);
    assert.deepEqual(returning?.values, expected);
  });

  it("lists the month's top products from product_performance with last month's rank and the year on year", () => {
    const rows = tableRows(slideWithTitle(deck, "Top products").xml, "top-products");
    const november = PRODUCT_MONTHS.filter((row) => row.month === "2026-11-01");
    assert.equal(rows.length, 1 + november.length);
    assert.deepEqual(rows[0]?.slice(-3), ["Oct 2026 rank", "vs last month", "vs last year"]);
    november.forEach((product, index) => {
      const october = PRODUCT_MONTHS.find(
        (row) => row.month === "2026-10-01" && row.product_id === product.product_id,
      );
      const days = PRODUCT_PERIODS.find((row) => row.product_id === product.product_id)!;
      const change = (base: number) => (base === 0 ? "n/a" : arrowed(pct(days.current_revenue, base)));
      assert.deepEqual(rows[index + 1], [
        String(product.revenue_rank),
        product.product_title,
        product.category,
        count(product.units),
        usd(product.revenue),
        percent(product.revenue_share!),
        percent(product.refund_rate!),
        october ? String(october.revenue_rank) : ">10",
        change(days.previous_revenue),
        change(days.last_year_revenue),
      ]);
    });
  });

  it("lists and charts the top regions by name, with revenue per day against the same month last year", async () => {
    const { xml, number } = slideWithTitle(deck, "Top regions");
    // November 2026 runs 21 days to the run date; November 2025 had 30.
    const perDay = (now: number, then: number) => arrowed(pct(now / 21, then / 30));
    assert.deepEqual(tableRows(xml, "top-regions").slice(1), [
      ["1", "California", usd(90_000), percent(90_000 / 300_000), perDay(90_000, 60_000)],
      ["2", "United Kingdom", usd(48_000), percent(48_000 / 300_000), "n/a"],
      ["3", "New York", usd(27_000), percent(27_000 / 300_000), perDay(27_000, 45_000)],
    ]);
    const [revenue] = await chartOnSlide(deck, number, "top-regions-revenue");
    assert.deepEqual(
      revenue?.values,
      REGIONS.map((row) => row.revenue),
    );
    assert.deepEqual(revenue?.categories, ["California", "United Kingdom", "New York"]);
  });

  it("draws the cohorts as a heat grid: blanks past each cohort's age, a dash (not 0) for a missing month", () => {
    const blanks = (n: number) => Array.from({ length: n }, () => "");
    const revenue = tableRows(slideWithTitle(deck, "LTV by cohort").xml, "ltv-cohorts");
    assert.deepEqual(revenue[0]?.slice(0, 4), ["Cohort", "Customers", "M0", "M1"]);
    assert.deepEqual(revenue[1], ["Sep 2026", "1,000", "$100", "–", "$120", ...blanks(9)]);
    assert.deepEqual(revenue[2], ["Oct 2026", "800", "$110", "$125", ...blanks(10)]);
    assert.deepEqual(revenue[3], ["Nov 2026", "500", "$90", ...blanks(11)]);
    const retention = tableRows(slideWithTitle(deck, "Retention by cohort").xml, "retention-cohorts");
    assert.deepEqual(retention[1]?.slice(0, 5), ["Sep 2026", "1,000", "100%", "–", "10%"]);
    assert.equal(retention[2]?.[3], "15%");
    assert.equal(COHORTS.length, 5);
    // Shaded cells: the highest value gets the darkest fill.
    const grid = shapeNamed(slideWithTitle(deck, "LTV by cohort").xml, "ltv-cohorts");
    assert.match(grid, /<a:srgbClr val="2F5597"\/>/);
  });

  it("charts the month's spend mix from channel_mix and lists each channel's shares", async () => {
    const { xml, number } = slideWithTitle(deck, "Channel mix");
    const [spend] = await chartOnSlide(deck, number, "channel-mix-spend");
    const mix = data.marts.channelMix.filter((row) => row.month === "2026-11-01");
    const paid = mix.filter((row) => row.spend > 0).sort((a, b) => b.spend - a.spend);
    assert.deepEqual(spend?.categories, ["Google Ads", "Meta", "TikTok"]);
    assert.deepEqual(
      spend?.values,
      paid.map((row) => row.spend),
    );
    const rows = tableRows(xml, "channel-mix");
    const google = mix.find((row) => row.channel === "google_ads")!;
    assert.deepEqual(rows[1]?.slice(0, 5), [
      "Google Ads",
      usd(google.spend),
      percent(google.spend_share!),
      percent(google.orders_share!),
      percent(google.revenue_share!),
    ]);
    assert.deepEqual(rows.at(-1)?.slice(0, 3), ["Email", "$0", "0.0%"]);
  });

  it("shows each paid channel's month from marketing_monthly_performance, totals as ratios of sums", () => {
    const rows = tableRows(slideWithTitle(deck, "Paid channel performance").xml, "channel-performance");
    const november = channelMonthRows().filter((row) => row.month === "2026-11-01" && row.is_paid_channel);
    const line = (
      name: string,
      spend: number,
      revenue: number,
      orders: number,
      clicks: number,
      impressions: number,
    ) => [
      name,
      usd(spend),
      usd(revenue),
      times(revenue / spend),
      times((revenue * 1.3) / spend),
      count(orders),
      usd(spend / orders, 2),
      percent(clicks / impressions, 2),
      usd(spend / clicks, 2),
    ];
    const google = november.find((row) => row.channel === "google_ads")!;
    assert.deepEqual(
      rows[1],
      line(
        "Google Ads",
        google.spend,
        google.attributed_revenue,
        google.attributed_orders,
        google.clicks,
        google.impressions,
      ),
    );
    const sum = (pick: (row: (typeof november)[number]) => number) =>
      november.reduce((s, row) => s + pick(row), 0);
    assert.deepEqual(
      rows[4],
      line(
        "All paid channels",
        sum((r) => r.spend),
        sum((r) => r.attributed_revenue),
        sum((r) => r.attributed_orders),
        sum((r) => r.clicks),
        sum((r) => r.impressions),
      ),
    );
    assert.equal(rows.length, 5, "email has no spend and is not a paid channel");
  });

  it("indexes paid ROAS and CPA to the trailing six months (= 100)", async () => {
    const { xml, number } = slideWithTitle(deck, "Monthly PPC index");
    // Per month i: paid spend 130,000 + 1,000·i, attributed revenue 280,000, orders 2,100 + 10·i.
    const spend = (i: number) => 130_000 + 1_000 * i;
    const orders = (i: number) => 2_100 + 10 * i;
    const trailing = (i: number, f: (j: number) => number) =>
      [1, 2, 3, 4, 5, 6].reduce((s, k) => s + f(i - k), 0);
    const roasIndex = (i: number) => (100 * (280_000 / spend(i))) / ((6 * 280_000) / trailing(i, spend));
    const cpaIndex = (i: number) =>
      (100 * (spend(i) / orders(i))) / (trailing(i, spend) / trailing(i, orders));
    const shown = [7, 8, 9, 10, 11, 12];
    const [roas, cpa] = await chartOnSlide(deck, number, "ppc-index-chart");
    assert.deepEqual(roas?.categories, [
      "Jun 2026",
      "Jul 2026",
      "Aug 2026",
      "Sep 2026",
      "Oct 2026",
      "Nov 2026",
    ]);
    roas?.values.forEach((value, index) =>
      assert.ok(Math.abs((value ?? NaN) - roasIndex(shown[index]!)) < 1e-9),
    );
    cpa?.values.forEach((value, index) =>
      assert.ok(Math.abs((value ?? NaN) - cpaIndex(shown[index]!)) < 1e-9),
    );
    const rows = tableRows(xml, "ppc-index");
    assert.deepEqual(rows[1], [
      "Nov 2026",
      usd(spend(12)),
      usd(280_000),
      times(280_000 / spend(12)),
      String(Math.round(roasIndex(12))),
      usd(spend(12) / orders(12), 2),
      String(Math.round(cpaIndex(12))),
    ]);
  });

  it("lists each channel's run day, n/a for a stale channel, and charts 28-day spend by channel", async () => {
    const { xml, number } = slideWithTitle(deck, "Channels");
    const rows = tableRows(xml, "channels-run-day");
    assert.deepEqual(rows[1], [
      "Google Ads",
      usd(3000),
      usd(9000),
      "3.00",
      "2,000",
      "2.00%",
      usd(1.5, 2),
      "60",
    ]);
    assert.deepEqual(rows[2], ["Meta", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"]);
    assert.deepEqual(rows[4]?.slice(0, 4), [
      "All paid channels",
      usd(4000),
      usd(9000),
      (9000 / 4000).toFixed(2),
    ]);
    assert.ok(
      texts(shapeNamed(xml, "channels-run-day-note"))
        .join("")
        .includes("Meta (last day with data: Mon 16 Nov)"),
    );
    const series = await chartOnSlide(deck, number, "channel-spend-28d");
    const window = channelRows(RUN_DATE);
    const total = (channel: string) =>
      window.filter((r) => r.channel === channel).reduce((s, r) => s + r.spend, 0);
    assert.deepEqual(series[0]?.values, [total("google_ads"), total("meta"), total("tiktok")]);
  });

  it("shows source freshness, the findings most severe first, and the paid channels' explained days", () => {
    const { xml } = slideWithTitle(deck, "Data quality");
    assert.deepEqual(tableRows(xml, "source-freshness")[2], ["Meta Ads", "Mon 16 Nov", "5 days", "CRITICAL"]);
    const byCheck = (check: string) => FINDINGS.find((f) => f.check === check)!;
    assert.deepEqual(tableRows(xml, "findings"), [
      ["Severity", "Finding"],
      ["CRITICAL", byCheck("source_freshness").message],
      ["WARNING", byCheck("attribution_broken").message],
      ["INFO", byCheck("inventory_changed").message],
    ]);
    const gaps = tableRows(slideWithTitle(deck, "Paid channels: zero").xml, "channel-gaps");
    const [tiktok, meta] = [CHANNEL_GAPS[1]!, CHANNEL_GAPS[0]!];
    assert.deepEqual(gaps[1], [
      "TikTok",
      tiktok.explanation,
      "28",
      "25 Oct – 21 Nov 2026",
      usd(28_000),
      "$0",
    ]);
    // The mart's "no data after 2026-11-16", as the en-US shop reads its dates.
    assert.equal(meta.explanation, "Meta Ads source stale: no data after 2026-11-16");
    assert.deepEqual(gaps[2], [
      "Meta",
      "Meta Ads source stale: no data after Mon 16 Nov 2026",
      "5",
      "17–21 Nov 2026",
      "$0",
      "$0",
    ]);
  });

  it("names the sources that are not connected on one coverage slide, with no numbers", () => {
    const xml = slideWithTitle(deck, "Coverage").xml;
    const rows = tableRows(xml, "coverage");
    assert.deepEqual(
      rows.slice(1).map((row) => row[0]),
      [
        "Amazon (Seller Central)",
        "Google Analytics 4",
        "Customer surveys (post-purchase, NPS)",
        "Creative analytics",
        "Search trends (Google Trends, Search Console)",
      ],
    );
    assert.ok(rows.slice(1).every((row) => row[1] === "Not connected"));
    assert.ok(!/\$\d/.test(texts(xml).join(" ")), "no money on the coverage slide");
    assert.equal(deck.slides.filter((slide) => slideTitle(slide).startsWith("Coverage")).length, 1);
    assert.ok(
      texts(xml).includes(
        "Connected today: Shopify, Meta Ads, TikTok Ads, Google Ads. Nothing in this deck is estimated for the sources above.",
      ),
      texts(xml).join(" | "),
    );
  });

  it("names as connected only the sources the shop uses", async () => {
    // A shop with Shopify and Meta only: check-sources records no status for the sources its settings mark unused.
    const used = buildReportData();
    used.sources = used.sources.filter((source) => ["shopify", "facebook_ads"].includes(source.source));
    const coverage = (opened: OpenedDeck) => texts(slideWithTitle(opened, "Coverage").xml).join(" | ");
    const shopifyAndMeta = coverage(await openDeck(await renderDeck(buildDeckContent(used))));
    assert.match(shopifyAndMeta, /Connected today: Shopify, Meta Ads\. Nothing in this deck is estimated/);
    assert.doesNotMatch(shopifyAndMeta, /TikTok|Google Ads/);
    // No status recorded (check-sources skipped, its file unreadable): the deck names no source rather than guess.
    const unknown = coverage(await openDeck(await renderDeck(buildDeckContent({ ...used, sources: [] }))));
    assert.doesNotMatch(unknown, /Connected today/);
    assert.match(unknown, /Nothing in this deck is estimated for the sources above\./);
  });

  it("defines every KPI on the methodology slides", () => {
    const definitions = deck.slides
      .filter((xml) => slideTitle(xml).startsWith("Methodology — KPI definitions"))
      .flatMap((xml, index) => tableRows(xml, `glossary-${index + 1}`).slice(1));
    const metrics = definitions.map((row) => row[0]);
    for (const metric of ["gross revenue", "net revenue", "AOV", "blended ROAS", "MER", "CAC", "PPC index"]) {
      assert.ok(metrics.includes(metric), metric);
    }
    const sources = tableRows(slideWithTitle(deck, "Methodology — sources").xml, "methodology-sources");
    // Meta last loaded at 05:00 UTC on the 17th: midnight that day on the New York shop's clock.
    assert.deepEqual(sources[2]?.slice(0, 3), ["Meta Ads", "Mon 16 Nov", "Tue 17 Nov 2026 12:00 AM EST"]);
  });

  it("keeps every shape on the slide and every table above the footer", () => {
    deck.slides.forEach((xml, index) => {
      for (const match of xml.matchAll(/<a:off x="(-?\d+)" y="(-?\d+)"\/><a:ext cx="(\d+)" cy="(\d+)"\/>/g)) {
        const [x, y, cx, cy] = [match[1], match[2], match[3], match[4]].map(Number) as [
          number,
          number,
          number,
          number,
        ];
        assert.ok(
          x >= 0 && y >= 0 && x + cx <= SLIDE_W + 1 && y + cy <= SLIDE_H + 1,
          `slide ${index + 1} shape off the slide`,
        );
      }
      for (const frame of xml.split(/(?=<p:graphicFrame>)/).filter((part) => part.includes("<a:tbl>"))) {
        const y = Number(/<a:off x="\d+" y="(\d+)"\/>/.exec(frame)?.[1]);
        const height = [...frame.matchAll(/<a:tr h="(\d+)"/g)].reduce((sum, row) => sum + Number(row[1]), 0);
        assert.ok(y + height <= FOOTER_RULE, `slide ${index + 1}: a table runs into the footer`);
      }
    });
  });

  it("is a pure function of the report data", () => {
    assert.deepEqual(buildDeckContent(buildReportData()), content);
  });
});

describe("deck options and edge cases", () => {
  it("reports week to date and the last full week when asked for a weekly period", async () => {
    const data = buildReportData();
    const deck = await openDeck(await renderDeck(buildDeckContent(data, { period: "weekly" })));
    assert.equal(slideTitle(deck.slides[0] ?? ""), "Weekly performance review — week of Mon 16 Nov");
    const slide = slideWithTitle(deck, "Executive summary — week to date").xml;
    const week = sumDays("2026-11-16", "2026-11-21");
    const before = sumDays("2026-11-09", "2026-11-14");
    const yearAgo = sumDays("2025-11-17", "2025-11-22");
    const [, value, vsWeek, vsYear] = paragraphs(shapeNamed(slide, "kpi-gross_revenue"));
    assert.equal(value, usd(week.gross));
    assert.equal(vsWeek, `${arrowed(pct(week.gross, before.gross))} vs last week`);
    assert.equal(vsYear, `${arrowed(pct(week.gross, yearAgo.gross))} vs last year`);
    assert.deepEqual(tableRows(slideWithTitle(deck, "Week to date").xml, "periods")[0]?.slice(0, 5), [
      "Metric",
      "16–21 Nov 2026",
      "vs last week",
      "vs last year",
      "9–15 Nov 2026",
    ]);
  });

  it("shows n/a for last year and last month when the history does not reach back", async () => {
    const data = buildReportData({ historyDays: 30 });
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const slide = slideWithTitle(deck, "Executive summary").xml;
    for (const metric of ["gross_revenue", "orders", "blended_roas", "cac"]) {
      const [, value, month, year] = paragraphs(shapeNamed(slide, `kpi-${metric}`));
      assert.notEqual(value, "n/a");
      assert.equal(month, "n/a vs last month", metric);
      assert.equal(year, "n/a vs last year", metric);
    }
    // 30 days of history start on 23 Oct: the last full month is summed over 23–31 Oct and labelled so; its
    // bases (September, October 2025) are before the data: n/a.
    const rows = tableRows(slideWithTitle(deck, "Month to date and last full month").xml, "periods");
    assert.equal(rows[0]?.[4], "23–31 Oct 2026");
    assert.deepEqual(rows[1]?.slice(4), [usd(sumDays("2026-10-23", "2026-10-31").gross), "n/a", "n/a"]);
    assert.ok(texts(deck.slides[0] ?? "").some((t) => t.includes("History available: 30 days")));
    assert.ok(
      texts(deck.slides[0] ?? "").some((t) =>
        t.startsWith("Last full month: 23–31 Oct 2026 (since 23 Oct, the first day of data), against"),
      ),
    );
  });

  it("moves findings beyond the first five to continuation slides, most severe first", async () => {
    const findings: Finding[] = Array.from({ length: 12 }, (_, index) => ({
      check: `check_${String(index).padStart(2, "0")}`,
      step: "check-quality",
      severity: index % 3 === 0 ? "info" : index % 3 === 1 ? "warning" : "critical",
      blocking: false,
      subject: "x",
      message: `Finding number ${index}.`,
    }));
    const deck = await openDeck(await renderDeck(buildDeckContent(buildReportData({ findings }))));
    const first = slideWithTitle(deck, "Data quality");
    const rest = deck.slides[first.number] ?? "";
    assert.equal(slideTitle(rest), "Data quality — findings (continued)");
    const severities = [
      ...tableRows(first.xml, "findings").slice(1),
      ...tableRows(rest, "findings-1").slice(1),
    ].map((row) => row[0]);
    assert.deepEqual(severities, [
      ...Array(4).fill("CRITICAL"),
      ...Array(4).fill("WARNING"),
      ...Array(4).fill("INFO"),
    ]);
  });

  it("renders empty marts as sentences, not empty tables or zero charts", async () => {
    const data = buildReportData({ topProducts: [], findings: [] });
    data.channels = [];
    data.sources = [];
    data.marts = {
      monthly: [],
      channelMonths: [],
      channelMix: [],
      productMonths: [],
      regions: [],
      cohorts: [],
      channelGaps: [],
    };
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const all = deck.slides.map((xml) => texts(xml).join("\n")).join("\n");
    for (const sentence of [
      "No product sales recorded in November 2026.",
      "No channel data in the last 28 days.",
      "No findings in this run.",
      "No source freshness recorded for this run.",
      "No monthly summary in the marts yet.",
      "No customer cohorts in the marts yet.",
      "No ad spend this month.",
      "Every paid channel has spend and attributed orders on each of the last 28 days.",
    ]) {
      assert.ok(all.includes(sentence), sentence);
    }
  });

  it("escapes a hostile shop or product name in the XML", async () => {
    const hostile = `<script>alert(1)</script> & "Co"`;
    const data = buildReportData({ shopName: hostile });
    data.marts.productMonths = data.marts.productMonths.map((row) => ({ ...row, product_title: hostile }));
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    assert.ok(texts(deck.slides[0] ?? "").includes(hostile));
    const products = slideWithTitle(deck, "Top products").xml;
    assert.equal(tableRows(products, "top-products")[1]?.[1], hostile);
    assert.ok(!deck.slides.some((xml) => xml.includes("<script>")));
  });
});
