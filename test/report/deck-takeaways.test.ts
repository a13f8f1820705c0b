// The takeaways slide states the right movements: hand-made report data where we know which channel, product
// and region moved revenue (and by how much), the month's retail event against the same event last year from
// the fixture's own daily figures, and the alerts' consequence. Expected texts are built here, not by the code.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../functions/lib/calendar.ts";
import type { PeriodTotals } from "../../functions/lib/reporting/kpi-comparisons.ts";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent, deckContext } from "../../functions/report/deck-content.ts";
import type { ContentSlide } from "../../functions/report/deck-model.ts";
import {
  biggestMovements,
  eventComparisons,
  revenueDrivers,
  takeawayLines,
} from "../../functions/report/deck-takeaways.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { openDeck, texts } from "./pptx-reader.ts";
import { buildReportData, dailyRows, figuresOn, REGIONS } from "./report-data-fixture.ts";

const channelRow = (channel: string, current: number, previous: number) => ({
  channel,
  current_spend: 1_000,
  previous_spend: 1_000,
  current_orders: 10,
  previous_orders: 10,
  current_revenue: current,
  previous_revenue: previous,
  last_year_revenue: 0,
  last_year_days: 0,
});

const productRow = (id: string, title: string, current: number, previous: number, lastYear: number) => ({
  product_id: id,
  product_title: title,
  category: "Apparel",
  current_units: 10,
  current_revenue: current,
  previous_revenue: previous,
  last_year_revenue: lastYear,
  revenue_position: 1,
});

/** November to the 21st against October: the fixture's three regions, with October rows we choose. */
const OCTOBER_REGIONS = [
  { country: "US", region: "CA", revenue: 62_000 },
  { country: "GB", region: "unknown", revenue: 31_000 },
  { country: "US", region: "NY", revenue: 31_000 },
];

function movedData(): ReportData {
  const data = buildReportData();
  data.marts.channelPeriods = [
    channelRow("google_ads", 30_000, 28_000),
    channelRow("tiktok", 18_000, 6_000),
    channelRow("meta", 10_000, 15_000),
    channelRow("email", 4_000, 4_000),
  ];
  data.marts.productPeriods = [
    productRow("p1", "Merino Hoodie", 54_000, 50_000, 40_000),
    productRow("p3", "Canvas Cap", 18_000, 3_000, 0),
    productRow("p2", "Classic Tee", 42_000, 49_000, 45_000),
  ];
  data.marts.regions = [
    ...OCTOBER_REGIONS.map((region) => ({
      month: "2026-10-01",
      country_code: region.country,
      region_code: region.region,
      orders: 100,
      revenue: region.revenue,
      customers: 100,
      aov: 100,
      month_revenue: 124_000,
    })),
    ...REGIONS.map((row) => ({ ...row })),
  ];
  return data;
}

/** The test's own compact money: $12k, $2.3k. */
const compact = (value: number) => {
  const thousands = Math.abs(value) / 1000;
  const text = Number.isInteger(thousands) ? String(thousands) : thousands.toFixed(1);
  return `${value < 0 ? "-" : "+"}$${text}k`;
};
const percent = (current: number, base: number) => {
  const change = Math.round((current / base - 1) * 100);
  return `${change > 0 ? "+" : ""}${change}%`;
};

describe("deck takeaways", () => {
  it("names the channels, products and regions that moved revenue most, biggest first", () => {
    const lines = takeawayLines(deckContext(movedData())).map((line) => line.text);
    // TikTok +12k and Meta −5k moved most; Google's +2k and email's 0 do not make the cut.
    assert.ok(
      lines.includes(
        `Channels (attributed revenue): TikTok ${compact(12_000)} (${percent(18_000, 6_000)}); Meta ${compact(-5_000)} (${percent(10_000, 15_000)}).`,
      ),
      lines.join("\n"),
    );
    assert.ok(
      lines.includes(
        `Products: Canvas Cap ${compact(15_000)} (${percent(18_000, 3_000)}); Classic Tee ${compact(-7_000)} (${percent(42_000, 49_000)}).`,
      ),
      lines.join("\n"),
    );
    // Per day: November has 21 days to the run date, October 31.
    const perDay = (nov: number, oct: number) => ({ now: nov / 21, before: oct / 31 });
    const california = perDay(90_000, 62_000);
    const britain = perDay(48_000, 31_000);
    const newYork = perDay(27_000, 31_000);
    assert.ok(california.now - california.before > britain.now - britain.before);
    assert.ok(britain.now - britain.before > newYork.now - newYork.before);
    assert.ok(
      lines.includes(
        `Regions (revenue per day vs last month): California ${compact(Math.round((california.now - california.before) / 100) * 100)}/day (${percent(california.now, california.before)}); United Kingdom ${compact(Math.round((britain.now - britain.before) / 100) * 100)}/day (${percent(britain.now, britain.before)}).`,
      ),
      lines.join("\n"),
    );
  });

  it("says the revenue line is incomplete when Shopify had not landed, and not when only an ad platform had not", () => {
    const late = movedData();
    late.daily = late.daily.map((row) =>
      row.date === "2026-11-21" ? { ...row, is_complete: false, missing_sources: "shopify" } : row,
    );
    const [line] = takeawayLines(deckContext(late));
    assert.match(line?.text ?? "", /^Revenue \$[\d.]+k month to date \(incomplete: excludes Shopify\), /);
    assert.equal(line?.emphasis, "warning");
    const adsOnly = movedData();
    adsOnly.daily = adsOnly.daily.map((row) =>
      row.date === "2026-11-21" ? { ...row, is_complete: false, missing_sources: "facebook_ads" } : row,
    );
    assert.doesNotMatch(takeawayLines(deckContext(adsOnly))[0]?.text ?? "", /incomplete/);
  });

  it("splits the revenue change into orders × AOV", () => {
    const totals = (gross: number, orders: number) =>
      ({ gross_revenue: gross, orders_with_value: orders, aov: gross / orders }) as PeriodTotals;
    const drivers = revenueDrivers(totals(120_000, 1_200), totals(100_000, 1_250));
    assert.ok(Math.abs((drivers.revenue ?? 0) - 0.2) < 1e-9);
    assert.ok(Math.abs((drivers.orders ?? 0) - -0.04) < 1e-9);
    assert.ok(Math.abs((drivers.aov ?? 0) - 0.25) < 1e-9);
    // (1 + revenue) = (1 + orders) × (1 + AOV), exactly.
    assert.ok(
      Math.abs(1 + (drivers.revenue ?? 0) - (1 + (drivers.orders ?? 0)) * (1 + (drivers.aov ?? 0))) < 1e-9,
    );
    assert.deepEqual(revenueDrivers(null, totals(1, 1)), { revenue: null, orders: null, aov: null });
  });

  it("opens with the revenue line, whose orders and AOV are the fixture's own sums", () => {
    const [first] = takeawayLines(deckContext(movedData()));
    let gross = 0;
    let orders = 0;
    for (let day = "2026-11-01"; day <= "2026-11-21"; day = addDays(day, 1)) {
      gross += figuresOn(day).gross;
      orders += figuresOn(day).orders;
    }
    assert.ok(first?.bold);
    assert.match(first?.text ?? "", new RegExp(`orders [+-]\\d+% \\(${orders.toLocaleString("en-US")}\\)`));
    assert.ok(first?.text.includes(`AOV`) && first.text.includes(`$${(gross / orders).toFixed(2)}`));
  });

  it("sets Black Friday – Cyber Monday against the same days of last year's event", () => {
    const runDate = "2026-11-29";
    const data = buildReportData();
    data.runDate = runDate;
    data.daily = dailyRows(runDate, 420);
    const ctx = deckContext(data);
    const bfcm = eventComparisons(ctx).find((event) => event.event.key === "bfcm");
    // US: Thanksgiving 2026 is Thu 26 Nov (to Cyber Monday 30 Nov); the run date cuts it at the 29th, the 4th day.
    // Last year Thanksgiving was Thu 27 Nov 2025: its first four days are 27–30 Nov.
    assert.equal(bfcm?.from, "2026-11-26");
    assert.equal(bfcm?.to, "2026-11-29");
    assert.equal(bfcm?.lastYearFrom, "2025-11-27");
    assert.equal(bfcm?.lastYearTo, "2025-11-30");
    const sum = (from: string, to: string) => {
      let total = 0;
      for (let day = from; day <= to; day = addDays(day, 1)) total += figuresOn(day).gross;
      return total;
    };
    assert.equal(bfcm?.revenue, sum("2026-11-26", "2026-11-29"));
    assert.equal(bfcm?.lastYearRevenue, sum("2025-11-27", "2025-11-30"));
    const line = takeawayLines(ctx).find((one) => one.text.startsWith("Black Friday"));
    assert.ok(line, "the takeaways name Black Friday");
    assert.ok(line.text.includes("4 of its 5 days so far"), line.text);
    assert.ok(
      line.text.includes(percent(sum("2026-11-26", "2026-11-29"), sum("2025-11-27", "2025-11-30"))),
      line.text,
    );
  });

  it("names the market's retail events under the 28-day chart, so its spikes explain themselves", () => {
    const slide = buildDeckContent(movedData()).slides.find(
      (one) => one.kind === "daily-trend",
    ) as ContentSlide;
    const lines = slide.blocks.flatMap((placed) =>
      placed.block.type === "text" ? placed.block.lines.map((line) => line.text) : [],
    );
    // 25 Oct – 21 Nov 2026 in the US: Halloween (31 Oct) and Singles' Day (11 Nov), not Black Friday (27 Nov).
    assert.ok(
      lines.includes("Retail events: Halloween 31 Oct 2026 · Singles' Day 11 Nov 2026."),
      lines.join("\n"),
    );
    // Its day labels name the month on the first bar and on the 1st only.
    const chart = slide.blocks.find((placed) => placed.block.type === "chart")?.block;
    const labels = chart?.type === "chart" ? chart.chart.labels : [];
    assert.deepEqual(labels.slice(0, 3), ["25 Oct", "26", "27"]);
    assert.deepEqual(labels.slice(6, 9), ["31", "1 Nov", "2"]);
    assert.equal(labels.at(-1), "21");
  });

  it("says what the alerts mean for the numbers", () => {
    const lines = takeawayLines(deckContext(movedData())).map((line) => line.text);
    // The fixture's findings: Meta Ads is stale, TikTok spent with no attributed revenue.
    assert.ok(lines.some((text) => text.startsWith("Alerts: Meta has not synced") && text.includes("ROAS")));
    assert.ok(lines.some((text) => text.startsWith("Alerts: TikTok spent with no attributed revenue")));
    const untagged = movedData();
    untagged.findings.push({
      check: "attribution_coverage",
      step: "check-quality",
      severity: "warning",
      blocking: false,
      subject: "utm_source",
      message: "Only 28% of orders carry a UTM source.",
    });
    assert.ok(
      takeawayLines(deckContext(untagged)).some((line) =>
        line.text.includes("they count as Direct & organic, so part of its rise is lost tracking"),
      ),
    );
    const quiet = movedData();
    quiet.findings = [];
    assert.ok(
      takeawayLines(deckContext(quiet)).some(
        (line) => line.text === "Alerts: none that change the numbers in this deck.",
      ),
    );
  });

  it("is the deck's second slide, with the narrative in its speaker notes", async () => {
    const content = buildDeckContent(movedData());
    const slide = content.slides[1] as ContentSlide;
    assert.equal(slide.kind, "takeaways");
    // The notes land in the .pptx as the second slide's notes page, revenue line and movers included.
    const deck = await openDeck(await renderDeck(content));
    const notes = await deck.zip.file("ppt/notesSlides/notesSlide2.xml")?.async("string");
    const said = texts(notes ?? "").join(" ");
    assert.ok(said.includes("The story of the month to date"), said);
    assert.ok(said.includes(`TikTok ${compact(12_000)}`), said);
    // The executive summary's notes read every KPI card out.
    const summary = await deck.zip.file("ppt/notesSlides/notesSlide3.xml")?.async("string");
    assert.ok(
      texts(summary ?? "")
        .join(" ")
        .includes("Gross revenue $"),
    );
  });

  it("ranks movements by size, whatever the order of the rows", () => {
    const movements = [
      { name: "b", current: 1, base: 4, delta: -3 },
      { name: "a", current: 5, base: 2, delta: 3 },
      { name: "c", current: 9, base: 9, delta: 0 },
      { name: "d", current: 2, base: 1, delta: 1 },
    ];
    assert.deepEqual(
      biggestMovements(movements, 3).map((movement) => movement.name),
      ["a", "b", "d"],
    );
    assert.deepEqual(
      biggestMovements([...movements].reverse(), 3).map((movement) => movement.name),
      ["a", "b", "d"],
    );
  });
});
