// The deck end to end: content model → .pptx → unzipped XML, checked against the fixture rows. Expected
// strings are computed here from the fixture with the test's own formatting (en-US, USD), not the code's.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import JSZip from "jszip";
import { buildDeckContent, type DeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import {
  buildReportData,
  channelRows,
  FINDINGS,
  figuresOn,
  KEY_DAYS,
  RUN_DATE,
  TOP_PRODUCTS,
} from "./report-data-fixture.ts";

// ---------- the test's own formatting ----------

const usd = (value: number, decimals = 0) =>
  `${value < 0 ? "-" : ""}$${Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}`;
const count = (value: number) => value.toLocaleString("en-US");
const times = (value: number) => `${value.toFixed(2)}×`;
// Halves round away from zero, as Intl does (Math.round would turn -22.5 into -22).
const pct = (value: number, base: number) => {
  const exact = ((value - base) / base) * 100;
  const rounded = Math.sign(exact) * Math.round(Math.abs(exact));
  return rounded === 0 ? "0%" : `${rounded > 0 ? "+" : ""}${rounded}%`;
};
const GREEN = "1E8E3E";
const RED = "C5221F";
const GREY = "6B7280";

// ---------- reading the .pptx ----------

const decode = (xml: string) =>
  xml
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const texts = (xml: string) =>
  [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((match) => decode(match[1] ?? ""));

interface OpenedDeck {
  zip: JSZip;
  slides: string[];
}

async function openDeck(buffer: Buffer): Promise<OpenedDeck> {
  const zip = await JSZip.loadAsync(buffer);
  const names = Object.keys(zip.files)
    .map((name) => /^ppt\/slides\/slide(\d+)\.xml$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((match) => match[0]);
  const slides = await Promise.all(names.map((name) => zip.file(name)!.async("string")));
  return { zip, slides };
}

/** The blocks (shapes or graphic frames) of a slide, by their object name. */
function shapeNamed(slideXml: string, name: string): string {
  const blocks = slideXml.split(/(?=<p:sp>|<p:graphicFrame>)/);
  const found = blocks.find((block) => block.includes(`name="${name}"`));
  assert.ok(found, `no shape named ${name}`);
  return found;
}

function slideTitle(slideXml: string): string {
  const blocks = slideXml.split(/(?=<p:sp>|<p:graphicFrame>)/);
  const title = blocks.find((block) => /<p:ph[^>]*type="title"/.test(block));
  assert.ok(title, "slide has no title placeholder");
  return texts(title).join("");
}

/** Paragraph texts of a shape. */
function paragraphs(shapeXml: string): string[] {
  return [...shapeXml.matchAll(/<a:p>([\s\S]*?)<\/a:p>/g)].map((match) => texts(match[1] ?? "").join(""));
}

/** The colour of the run whose text is exactly `text`. */
function runColor(shapeXml: string, text: string): string | undefined {
  for (const match of shapeXml.matchAll(/<a:r>([\s\S]*?)<\/a:r>/g)) {
    const run = match[1] ?? "";
    if (texts(run).join("") === text) return /<a:srgbClr val="([0-9A-F]{6})"/.exec(run)?.[1];
  }
  return undefined;
}

function tableRows(slideXml: string, name: string): string[][] {
  const frame = shapeNamed(slideXml, name);
  return [...frame.matchAll(/<a:tr[^>]*>([\s\S]*?)<\/a:tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<a:tc[^>]*>([\s\S]*?)<\/a:tc>/g)].map((cell) =>
      texts(cell[1] ?? "").join(""),
    ),
  );
}

interface Series {
  name: string;
  categories: string[];
  values: number[];
}

async function chartOnSlide(deck: OpenedDeck, slideNumber: number, name: string): Promise<Series[]> {
  const slideXml = deck.slides[slideNumber - 1] ?? "";
  const frame = shapeNamed(slideXml, name);
  const relId = /<c:chart r:id="([^"]+)"/.exec(frame)?.[1];
  assert.ok(relId, `${name} is not a native chart`);
  const rels = await deck.zip.file(`ppt/slides/_rels/slide${slideNumber}.xml.rels`)!.async("string");
  const target = new RegExp(`Id="${relId}"[^>]*Target="([^"]+)"`).exec(rels)?.[1];
  assert.ok(target);
  const path = target.replace(/^\//, "").replace(/^\.\.\//, "ppt/");
  const chartXml = await deck.zip.file(path)!.async("string");
  return [...chartXml.matchAll(/<c:ser>([\s\S]*?)<\/c:ser>/g)].map((match) => {
    const ser = match[1] ?? "";
    const pick = (tag: string) => {
      const inner = new RegExp(`<c:${tag}>([\\s\\S]*?)</c:${tag}>`).exec(ser)?.[1] ?? "";
      return [...inner.matchAll(/<c:v>([^<]*)<\/c:v>/g)].map((v) => decode(v[1] ?? ""));
    };
    return { name: pick("tx")[0] ?? "", categories: pick("cat"), values: pick("val").map(Number) };
  });
}

function slideWithTitle(deck: OpenedDeck, prefix: string): { xml: string; number: number } {
  const index = deck.slides.findIndex((xml) => slideTitle(xml).startsWith(prefix));
  assert.ok(index >= 0, `no slide titled ${prefix}…`);
  return { xml: deck.slides[index] ?? "", number: index + 1 };
}

// ---------- tests ----------

describe("deck", () => {
  const data = buildReportData();
  let content: DeckContent;
  let deck: OpenedDeck;
  let buffer: Buffer;

  before(async () => {
    content = buildDeckContent(data);
    buffer = await renderDeck(content);
    deck = await openDeck(buffer);
  });

  it("is a 16:9 pptx with the six slides in order", async () => {
    assert.equal(buffer.subarray(0, 2).toString("latin1"), "PK");
    const presentation = await deck.zip.file("ppt/presentation.xml")!.async("string");
    assert.match(presentation, /<p:sldSz cx="9144000" cy="5143500"/);
    assert.equal(deck.slides.length, 6);
    assert.deepEqual(deck.slides.map(slideTitle), [
      "Daily performance — Sat 21 Nov 2026",
      "Executive summary — Sat 21 Nov 2026",
      "Revenue and ad spend — last 28 days",
      "Channels — Sat 21 Nov",
      "Top products — Sat 21 Nov",
      "Data quality",
    ]);
    assert.equal(content.slides.length, deck.slides.length);
  });

  it("puts every content slide on the master with title bar, footer and slide number", async () => {
    const layouts = await Promise.all(
      Object.keys(deck.zip.files)
        .filter((name) => /^ppt\/slideLayouts\/slideLayout\d+\.xml$/.test(name))
        .map((name) => deck.zip.file(name)!.async("string")),
    );
    const footers = layouts.filter((xml) =>
      texts(xml).includes("Northwind Goods · Daily performance · Sat 21 Nov 2026"),
    );
    assert.equal(footers.length, 2, "cover and content masters both carry the footer");
    for (const xml of footers) assert.match(xml, /type="sldNum"/);
  });

  it("opens with the shop, the date and the period covered", () => {
    const cover = deck.slides[0] ?? "";
    const all = texts(cover).join("\n");
    assert.ok(all.includes("Northwind Goods"));
    assert.ok(all.includes("Run day: Sat 21 Nov 2026 (America/New_York)"));
    assert.ok(
      all.includes(
        "Compared with: Fri 20 Nov (day before), Sat 14 Nov (last week), Sat 22 Nov 2025 (last year)",
      ),
    );
    assert.ok(all.includes("Month to date: 1–21 Nov 2026 vs 1–21 Oct 2026"));
    assert.ok(all.includes("Trends: 25 Oct – 21 Nov 2026"));
  });

  it("shows each KPI card's value from the run day's row, with changes vs last Sat and last year", () => {
    const slide = slideWithTitle(deck, "Executive summary").xml;
    const today = KEY_DAYS[RUN_DATE]!;
    const lastWeek = KEY_DAYS["2026-11-14"]!;
    const lastYear = KEY_DAYS["2025-11-22"]!;
    const net = (f: typeof today) => f.gross - f.discounts - f.refunds;
    const cases: { metric: string; label: string; value: string; week: string; year: string }[] = [
      {
        metric: "gross_revenue",
        label: "Gross revenue",
        value: usd(today.gross),
        week: pct(today.gross, lastWeek.gross),
        year: pct(today.gross, lastYear.gross),
      },
      {
        metric: "net_revenue",
        label: "Net revenue",
        value: usd(net(today)),
        week: pct(net(today), net(lastWeek)),
        year: pct(net(today), net(lastYear)),
      },
      {
        metric: "orders",
        label: "Orders",
        value: count(today.orders),
        week: pct(today.orders, lastWeek.orders),
        year: pct(today.orders, lastYear.orders),
      },
      {
        metric: "aov",
        label: "AOV",
        value: usd(today.gross / today.orders, 2),
        week: pct(today.gross / today.orders, lastWeek.gross / lastWeek.orders),
        year: pct(today.gross / today.orders, lastYear.gross / lastYear.orders),
      },
      {
        metric: "ad_spend",
        label: "Ad spend",
        value: usd(today.spend),
        week: pct(today.spend, lastWeek.spend),
        year: pct(today.spend, lastYear.spend),
      },
      {
        metric: "blended_roas",
        label: "Blended ROAS",
        value: times(today.gross / today.spend),
        week: pct(today.gross / today.spend, lastWeek.gross / lastWeek.spend),
        year: pct(today.gross / today.spend, lastYear.gross / lastYear.spend),
      },
      {
        metric: "mer",
        label: "MER",
        value: times(net(today) / today.spend),
        week: pct(net(today) / today.spend, net(lastWeek) / lastWeek.spend),
        year: pct(net(today) / today.spend, net(lastYear) / lastYear.spend),
      },
      {
        metric: "new_customers",
        label: "New customers",
        value: count(today.newCustomers),
        week: pct(today.newCustomers, lastWeek.newCustomers),
        year: pct(today.newCustomers, lastYear.newCustomers),
      },
      {
        metric: "cac",
        label: "CAC",
        value: usd(today.spend / today.newCustomers, 2),
        week: pct(today.spend / today.newCustomers, lastWeek.spend / lastWeek.newCustomers),
        year: pct(today.spend / today.newCustomers, lastYear.spend / lastYear.newCustomers),
      },
    ];
    // The hand-written table in the fixture, as a cross-check of the computation above.
    assert.deepEqual(
      cases.map((c) => c.value),
      ["$12,400", "$11,500", "200", "$62.00", "$4,000", "3.10×", "2.88×", "80", "$50.00"],
    );
    for (const c of cases) {
      const card = shapeNamed(slide, `kpi-${c.metric}`);
      const [label, value, week, year] = paragraphs(card);
      assert.equal(label, c.label);
      assert.equal(value, c.value, `${c.metric} value`);
      const arrow = (change: string) => (change.startsWith("+") ? "▲ " : change.startsWith("-") ? "▼ " : "");
      assert.equal(week, `${arrow(c.week)}${c.week} vs last Sat`, `${c.metric} vs last week`);
      assert.equal(year, `${arrow(c.year)}${c.year} vs last year`, `${c.metric} vs last year`);
    }
  });

  it("colours changes by whether they are good for the metric", () => {
    const slide = slideWithTitle(deck, "Executive summary").xml;
    assert.equal(runColor(shapeNamed(slide, "kpi-gross_revenue"), "+24%"), GREEN); // revenue up
    assert.equal(runColor(shapeNamed(slide, "kpi-aov"), "-1%"), RED); // AOV down
    assert.equal(runColor(shapeNamed(slide, "kpi-cac"), "-50%"), GREEN); // CAC down
    assert.equal(runColor(shapeNamed(slide, "kpi-blended_roas"), "-22%"), RED); // ROAS down vs last year
    assert.equal(runColor(shapeNamed(slide, "kpi-ad_spend"), "-20%"), GREY); // spend: neutral
    assert.equal(runColor(shapeNamed(slide, "kpi-ad_spend"), "+100%"), GREY);
    assert.equal(runColor(shapeNamed(slide, "kpi-cac"), "0%"), GREY); // flat
  });

  it("shows month to date against the same days of last month, ratios from the sums", () => {
    const slide = slideWithTitle(deck, "Executive summary").xml;
    const sum = (from: string, to: string) => {
      const totals = { gross: 0, net: 0, orders: 0, spend: 0, newCustomers: 0 };
      for (const row of data.daily) {
        if (row.date < from || row.date > to) continue;
        const f = figuresOn(row.date);
        totals.gross += f.gross;
        totals.net += f.gross - f.discounts - f.refunds;
        totals.orders += f.orders;
        totals.spend += f.spend;
        totals.newCustomers += f.newCustomers;
      }
      return totals;
    };
    const nov = sum("2026-11-01", "2026-11-21");
    const oct = sum("2026-10-01", "2026-10-21");
    const row = (label: string, t: typeof nov) => [
      label,
      usd(t.gross),
      usd(t.net),
      count(t.orders),
      usd(t.gross / t.orders, 2),
      usd(t.spend),
      times(t.gross / t.spend),
      times(t.net / t.spend),
      usd(t.spend / t.newCustomers, 2),
    ];
    const rows = tableRows(slide, "month-to-date");
    assert.deepEqual(rows[0], [
      "Month to date",
      "Gross revenue",
      "Net revenue",
      "Orders",
      "AOV",
      "Ad spend",
      "Blended ROAS",
      "MER",
      "CAC",
    ]);
    assert.deepEqual(rows[1], row("1–21 Nov 2026", nov));
    assert.deepEqual(rows[2], row("1–21 Oct 2026", oct));
    assert.equal(rows[3]?.[1], `▲ ${pct(nov.gross, oct.gross)}`);
  });

  it("charts revenue (bars) and ad spend (line) for the last 28 days as one native chart", async () => {
    const { number } = slideWithTitle(deck, "Revenue and ad spend");
    const series = await chartOnSlide(deck, number, "revenue-spend-trend");
    const days = data.daily.filter((row) => row.date >= "2026-10-25");
    assert.equal(days.length, 28);
    const labels = days.map(
      (row) => `${Number(row.date.slice(8))} ${row.date.slice(5, 7) === "10" ? "Oct" : "Nov"}`,
    );
    assert.deepEqual(
      series.map((s) => s.name),
      ["Gross revenue", "Ad spend"],
    );
    assert.deepEqual(series[0]?.categories, labels);
    assert.deepEqual(
      series[0]?.values,
      days.map((row) => figuresOn(row.date).gross),
    );
    assert.deepEqual(
      series[1]?.values,
      days.map((row) => figuresOn(row.date).spend),
    );
    assert.equal(series[0]?.values.at(-1), 12_400);
    assert.equal(series[1]?.values.at(-1), 4_000);
    const chartXml = await deck.zip.file("ppt/charts/chart1.xml")!.async("string");
    assert.match(chartXml, /<c:barChart>/);
    assert.match(chartXml, /<c:lineChart>/);
    // Native and editable: the data travels in an embedded workbook, not as a picture.
    const files = Object.values(deck.zip.files).filter((file) => !file.dir);
    assert.ok(!files.some((file) => file.name.startsWith("ppt/media/")), "no pictures in the deck");
    const chartRels = await deck.zip.file("ppt/charts/_rels/chart1.xml.rels")!.async("string");
    const embedded = /Target="\.\.\/embeddings\/([^"]+\.xlsx)"/.exec(chartRels)?.[1];
    assert.ok(embedded, "chart has an embedded workbook");
    const workbook = await JSZip.loadAsync(
      await deck.zip.file(`ppt/embeddings/${embedded}`)!.async("nodebuffer"),
    );
    const sheet = await workbook.file("xl/worksheets/sheet1.xml")!.async("string");
    const column = (letter: string) =>
      [...sheet.matchAll(new RegExp(`<c r="${letter}\\d+"><v>([^<]*)</v></c>`, "g"))].map((match) =>
        Number(match[1]),
      );
    assert.deepEqual(
      column("B"),
      days.map((row) => figuresOn(row.date).gross),
    );
    assert.deepEqual(
      column("C"),
      days.map((row) => figuresOn(row.date).spend),
    );
  });

  it("lists each channel's run day, n/a for a stale channel, and charts 28-day spend by channel", async () => {
    const { xml, number } = slideWithTitle(deck, "Channels");
    const rows = tableRows(xml, "channels-run-day");
    assert.deepEqual(rows[0], [
      "Channel",
      "Spend",
      "Attributed revenue",
      "ROAS",
      "Clicks",
      "CTR",
      "CPC",
      "Platform conv.",
    ]);
    // Google Ads: 3,000 spend, 9,000 attributed, 2,000 clicks of 100,000 impressions, 60 conversions.
    assert.deepEqual(rows[1], [
      "Google Ads",
      usd(3000),
      usd(9000),
      "3.00",
      "2,000",
      "2.00%",
      usd(3000 / 2000, 2),
      "60",
    ]);
    // Meta's last row is 16 Nov: nothing for the run day, shown as n/a rather than 0.
    assert.deepEqual(rows[2], ["Meta", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"]);
    assert.deepEqual(rows[3], [
      "TikTok",
      usd(1000),
      usd(0),
      "0.00",
      "500",
      "1.00%",
      usd(1000 / 500, 2),
      "10",
    ]);
    assert.deepEqual(rows[4], [
      "All channels",
      usd(4000),
      usd(9000),
      (9000 / 4000).toFixed(2),
      "2,500",
      `${((2500 / 150_000) * 100).toFixed(2)}%`,
      usd(4000 / 2500, 2),
      "70",
    ]);
    assert.ok(
      texts(shapeNamed(xml, "channels-run-day-note"))
        .join("")
        .includes("Meta (last day with data: Mon 16 Nov)"),
    );

    const series = await chartOnSlide(deck, number, "channel-spend-28d");
    const window = channelRows(RUN_DATE);
    const total = (channel: string, pick: (r: (typeof window)[number]) => number) =>
      window.filter((r) => r.channel === channel).reduce((s, r) => s + pick(r), 0);
    assert.deepEqual(series[0]?.name, "Spend");
    assert.deepEqual(series[0]?.categories, ["Google Ads", "Meta", "TikTok"]);
    assert.deepEqual(series[0]?.values, [
      total("google_ads", (r) => r.spend),
      total("meta", (r) => r.spend),
      total("tiktok", (r) => r.spend),
    ]);
    assert.deepEqual(series[0]?.values, [84_000, 46_000, 28_000]);
    assert.deepEqual(series[1]?.name, "Attributed revenue");
    assert.deepEqual(series[1]?.values, [252_000, 115_000, 0]);
  });

  it("lists the run day's top products, and charts their revenue", async () => {
    const { xml, number } = slideWithTitle(deck, "Top products");
    const rows = tableRows(xml, "top-products");
    assert.equal(rows.length, 1 + TOP_PRODUCTS.length);
    TOP_PRODUCTS.forEach((product, index) => {
      assert.deepEqual(rows[index + 1], [
        String(index + 1),
        product.product_title,
        product.category,
        count(product.units),
        count(product.orders),
        usd(product.revenue),
      ]);
    });
    const [revenue] = await chartOnSlide(deck, number, "top-products-revenue");
    assert.deepEqual(
      revenue?.categories,
      TOP_PRODUCTS.map((p) => p.product_title),
    );
    assert.deepEqual(
      revenue?.values,
      TOP_PRODUCTS.map((p) => p.revenue),
    );
  });

  it("shows source freshness and the findings, most severe first, with their severity", () => {
    const { xml } = slideWithTitle(deck, "Data quality");
    assert.deepEqual(tableRows(xml, "source-freshness"), [
      ["Source", "Last day with data", "Lag", "Status"],
      ["Shopify", "Sat 21 Nov", "0 days", "OK"],
      ["Meta Ads", "Mon 16 Nov", "5 days", "CRITICAL"],
      ["TikTok Ads", "Sat 21 Nov", "0 days", "OK"],
      ["Google Ads", "Fri 20 Nov", "1 day", "WARN"],
    ]);
    const byCheck = (check: string) => FINDINGS.find((f) => f.check === check)!;
    assert.deepEqual(tableRows(xml, "findings"), [
      ["Severity", "Finding"],
      ["CRITICAL", byCheck("source_freshness").message],
      ["WARNING", byCheck("attribution_broken").message],
      ["INFO", byCheck("inventory_changed").message],
    ]);
    assert.ok(texts(shapeNamed(xml, "subtitle")).join("").includes("1 critical, 1 warning, 1 info"));
  });

  it("is a pure function of the report data", () => {
    assert.deepEqual(buildDeckContent(buildReportData()), content);
  });
});

describe("deck with short history and gaps", () => {
  it("shows n/a for year-on-year and for last month when the history does not reach back", async () => {
    const data = buildReportData({ historyDays: 30 });
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const slide = slideWithTitle(deck, "Executive summary").xml;
    for (const metric of ["gross_revenue", "orders", "blended_roas", "cac"]) {
      const [, value, week, year] = paragraphs(shapeNamed(slide, `kpi-${metric}`));
      assert.notEqual(value, "n/a");
      assert.notEqual(week, "n/a vs last Sat");
      assert.equal(year, "n/a vs last year", metric);
    }
    const rows = tableRows(slide, "month-to-date");
    assert.deepEqual(rows[2], ["1–21 Oct 2026", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"]);
    assert.deepEqual(rows[3]?.slice(1), ["n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"]);
    assert.ok(texts(deck.slides[0] ?? "").some((t) => t.includes("History available: 30 days")));
  });

  it("shows n/a, not 0, on every card when the run day has no row", async () => {
    const data = buildReportData();
    data.daily = data.daily.filter((row) => row.date !== RUN_DATE);
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const slide = slideWithTitle(deck, "Executive summary").xml;
    for (const metric of [
      "gross_revenue",
      "net_revenue",
      "orders",
      "aov",
      "ad_spend",
      "blended_roas",
      "mer",
      "new_customers",
      "cac",
    ]) {
      const [, value, week, year] = paragraphs(shapeNamed(slide, `kpi-${metric}`));
      assert.equal(value, "n/a", metric);
      assert.equal(week, "n/a vs last Sat");
      assert.equal(year, "n/a vs last year");
    }
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
    assert.deepEqual(deck.slides.slice(5).map(slideTitle), [
      "Data quality",
      "Data quality — findings (continued)",
    ]);
    const first = tableRows(deck.slides[5] ?? "", "findings").slice(1);
    const rest = tableRows(deck.slides[6] ?? "", "findings-1").slice(1);
    const severities = [...first, ...rest].map((row) => row[0]);
    assert.equal(severities.length, 12);
    assert.deepEqual(severities, [
      ...Array(4).fill("CRITICAL"),
      ...Array(4).fill("WARNING"),
      ...Array(4).fill("INFO"),
    ]);
  });

  it("renders empty sections as sentences, not empty tables or zero charts", async () => {
    const data = buildReportData({ topProducts: [], findings: [] });
    data.channels = [];
    data.sources = [];
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const all = deck.slides.map((xml) => texts(xml).join("\n")).join("\n");
    assert.ok(all.includes("No product sales recorded for Sat 21 Nov."));
    assert.ok(all.includes("No channel data in the last 28 days."));
    assert.ok(all.includes("No findings in this run."));
    assert.ok(all.includes("No source freshness recorded for this run."));
  });

  it("escapes a hostile shop or product name in the XML", async () => {
    const hostile = `<script>alert(1)</script> & "Co"`;
    const data = buildReportData({
      shopName: hostile,
      topProducts: [{ product_title: hostile, category: "A&B", units: 1, orders: 1, revenue: 10 }],
    });
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    assert.ok(texts(deck.slides[0] ?? "").includes(hostile));
    const products = slideWithTitle(deck, "Top products").xml;
    assert.equal(tableRows(products, "top-products")[1]?.[1], hostile);
    assert.ok(!products.includes("<script>"));
  });
});
