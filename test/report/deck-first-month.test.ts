// A shop's first, partial month in the deck's content model (not the rendered pptx): orders only from Sat
// 28 Nov 2026, run date Mon 30 Nov. The month to date is the three days the marts have, labelled so; the periods
// before the data are n/a with that reason, never $0. Expected texts are written out here by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ContentSlide, DeckContent, KpiCard, TableSpec } from "../../functions/report/deck-model.ts";
import { buildReportData, firstMonthDays, steadyDays } from "./report-data-fixture.ts";

function firstMonthData(): ReportData {
  const data = buildReportData();
  data.runDate = "2026-11-30";
  data.daily = firstMonthDays();
  // marts.marketing_daily_channel over 1–30 Nov and 1–30 Oct: October has no data, so its sums are 0.
  data.marts.channelPeriods = [
    {
      channel: "direct",
      current_spend: 0,
      previous_spend: 0,
      current_orders: 8,
      previous_orders: 0,
      current_revenue: 311,
      previous_revenue: 0,
      last_year_revenue: 0,
      last_year_days: 0,
    },
  ];
  data.marts.regions = [];
  return data;
}

const slide = (deck: DeckContent, kind: ContentSlide["kind"]) =>
  deck.slides.find((one) => one.kind === kind) as ContentSlide;
const textsOf = (one: ContentSlide) =>
  one.blocks.flatMap((placed) =>
    placed.block.type === "text" ? placed.block.lines.map((line) => line.text) : [],
  );
const tableOf = (one: ContentSlide): TableSpec => {
  const placed = one.blocks.find((block) => block.block.type === "table");
  assert.ok(placed?.block.type === "table");
  return placed.block.table;
};

describe("deck: a shop's first, partial month", () => {
  const deck = buildDeckContent(firstMonthData());

  it("takeaways: revenue from the first day of data, last month and last year n/a with their reason", () => {
    const lines = textsOf(slide(deck, "takeaways"));
    // $120 + $91 + $140.
    assert.equal(
      lines[0],
      "Revenue $351 month to date (since 28 Nov, the first day of data), n/a on the same days before (no data for 1–30 Oct 2026); n/a on the same days last year (no data for 1–30 Nov 2025).",
    );
    assert.ok(!lines.some((line) => line.includes("no order days")), lines.join("\n"));
    // Direct's $311 is not "new" against October's $0: October is before the data.
    assert.ok(
      lines.includes("Channels and products: not compared (no data for 1–30 Oct 2026)."),
      lines.join("\n"),
    );
    assert.ok(!lines.some((line) => line.includes("(new)")), lines.join("\n"));
    assert.match(
      slide(deck, "takeaways").subtitle ?? "",
      /^Month to date 28–30 Nov 2026 \(since 28 Nov, the first day of data\) against/,
    );
    assert.equal(deck.periodLabel, "Month to date 28–30 Nov 2026");
  });

  it("executive summary: the three days' figures, their changes n/a, and why", () => {
    const summary = slide(deck, "summary");
    assert.match(
      summary.subtitle ?? "",
      /^28–30 Nov 2026 \(since 28 Nov, the first day of data\), against 1–30 Oct 2026/,
    );
    const cards = summary.blocks.flatMap((placed) =>
      placed.block.type === "kpis" ? placed.block.cards : [],
    );
    const card = (metric: KpiCard["metric"]) => cards.find((one) => one.metric === metric);
    assert.equal(card("gross_revenue")?.value, "$351");
    assert.equal(card("net_revenue")?.value, "$341"); // 351 − 10 refunded
    assert.equal(card("orders")?.value, "8");
    assert.equal(card("ad_spend")?.value, "$80");
    assert.equal(card("blended_roas")?.value, "4.39×"); // 351 / 80 = 4.3875
    assert.equal(card("aov")?.value, "$43.88"); // 351 / 8 = 43.875
    assert.equal(card("new_customers")?.value, "7");
    assert.deepEqual(
      card("gross_revenue")?.changes.map((change) => `${change.text} ${change.comparedWith}`),
      ["n/a vs last month", "n/a vs last year"],
    );
    assert.ok(
      textsOf(summary).includes(
        "n/a vs last month: no data for 1–30 Oct 2026; n/a vs last year: no data for 1–30 Nov 2025.",
      ),
    );
  });

  it("periods table: the month to date over its three days, October (before the data) n/a", () => {
    const table = tableOf(slide(deck, "periods"));
    assert.equal(table.columns[1]?.header, "28–30 Nov 2026");
    assert.equal(table.columns[4]?.header, "October 2026");
    assert.deepEqual(
      table.rows[0]?.map((one) => one.text),
      ["Gross revenue", "$351", "n/a", "n/a", "n/a", "n/a", "n/a"],
    );
    assert.ok(table.note?.includes("Month to date: 28–30 Nov 2026 (since 28 Nov, the first day of data)."));
    assert.ok(table.note?.includes("Last full month: no data for 1–31 Oct 2026."), table.note);
  });

  it("a month to date with genuinely no order day still says so", () => {
    // Every day of October has a row; November, to the 5th, has none.
    const data = firstMonthData();
    data.runDate = "2026-11-05";
    data.daily = steadyDays("2026-10-01", "2026-10-31");
    const [first] = textsOf(slide(buildDeckContent(data), "takeaways"));
    assert.equal(first, "Revenue: no order days in the month to date.");
  });

  it("a last full month the data starts partway through is summed over its days and labelled by them", () => {
    // Every day from Thu 15 Oct 2026 at $1,000: the month to date (1–30 Nov) is whole, October is 15–31 Oct.
    const data = firstMonthData();
    data.daily = steadyDays("2026-10-15", "2026-11-30");
    const later = buildDeckContent(data);
    const table = tableOf(slide(later, "periods"));
    assert.equal(table.columns[1]?.header, "1–30 Nov 2026");
    assert.equal(table.columns[4]?.header, "15–31 Oct 2026");
    // 30 × $1,000 in November; 17 × $1,000 in October from the 15th; every base n/a.
    assert.deepEqual(
      table.rows[0]?.map((one) => one.text),
      ["Gross revenue", "$30,000", "n/a", "n/a", "$17,000", "n/a", "n/a"],
    );
    assert.ok(
      table.note?.includes(
        "Month to date n/a vs last month: 1–30 Oct 2026 is not like for like: the data starts 15 Oct 2026;",
      ),
      table.note,
    );
    const [revenue] = textsOf(slide(later, "takeaways"));
    assert.equal(
      revenue,
      "Revenue $30k month to date, n/a on the same days before (1–30 Oct 2026 is not like for like: the data starts 15 Oct 2026); n/a on the same days last year (no data for 1–30 Nov 2025).",
    );
  });
});
