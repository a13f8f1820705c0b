// The pure pieces under the deck: its periods, the PPC index and the glossary it prints.
import { sameDayLastYear } from "../../functions/lib/calendar.ts";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { METRICS_GLOSSARY, parseMetricsGlossary } from "../../functions/report/glossary.ts";
import { ppcIndex } from "../../functions/report/ppc-index.ts";
import { reportPeriodRanges, weekStart } from "../../functions/lib/reporting/kpi-comparisons.ts";
import type { ChannelMonthRow } from "../../functions/lib/reporting/report-data.ts";

describe("report periods", () => {
  it("monthly: month to date and the last full month, each against the period before and a year back", () => {
    assert.deepEqual(reportPeriodRanges("2026-03-31", "monthly"), {
      period: "monthly",
      toDate: {
        current: { from: "2026-03-01", to: "2026-03-31" },
        previous: { from: "2026-02-01", to: "2026-02-28" },
        lastYear: { from: "2025-03-01", to: "2025-03-31" },
      },
      complete: {
        current: { from: "2026-02-01", to: "2026-02-28" },
        previous: { from: "2026-01-01", to: "2026-01-31" },
        lastYear: { from: "2025-02-01", to: "2025-02-28" },
      },
    });
    assert.deepEqual(reportPeriodRanges("2026-01-10", "monthly").complete.current, {
      from: "2025-12-01",
      to: "2025-12-31",
    });
  });

  it("weekly: Monday to the run date, the week before, and 52 weeks back so weekdays line up", () => {
    assert.equal(weekStart("2026-11-21"), "2026-11-16");
    assert.equal(weekStart("2026-11-16"), "2026-11-16");
    assert.equal(weekStart("2026-11-22"), "2026-11-16");
    const ranges = reportPeriodRanges("2026-11-21", "weekly");
    assert.deepEqual(ranges.toDate.previous, { from: "2026-11-09", to: "2026-11-14" });
    assert.deepEqual(ranges.toDate.lastYear, { from: "2025-11-17", to: "2025-11-22" });
    assert.deepEqual(ranges.complete.current, { from: "2026-11-09", to: "2026-11-15" });
  });

  it("a year back from 29 February is 28 February", () => {
    assert.equal(sameDayLastYear("2028-02-29"), "2027-02-28");
  });
});

describe("PPC index", () => {
  const month = (
    m: string,
    spend: number,
    revenue: number,
    orders: number,
    paid = true,
  ): ChannelMonthRow => ({
    month: m,
    channel: paid ? "meta" : "email",
    is_paid_channel: paid,
    days: 30,
    spend,
    impressions: 0,
    clicks: 0,
    platform_conversions: 0,
    platform_conversion_value: 0,
    attributed_orders: orders,
    attributed_new_customers: 0,
    attributed_revenue: revenue,
    roas: null,
    platform_roas: null,
    cpa: null,
    ctr: null,
    cpc: null,
  });
  const months = [
    "2026-01-01",
    "2026-02-01",
    "2026-03-01",
    "2026-04-01",
    "2026-05-01",
    "2026-06-01",
    "2026-07-01",
  ];

  it("indexes the month to the ratio of the six months' sums, not the average of their ratios", () => {
    // Six months: one tiny month at ROAS 10, five at ROAS 2 on 1,000 spend each.
    const rows = [
      month(months[0]!, 10, 100, 1),
      ...months.slice(1, 6).map((m) => month(m, 1_000, 2_000, 20)),
      month(months[6]!, 1_000, 3_000, 25),
      month(months[6]!, 0, 9_999, 99, false),
    ];
    const july = ppcIndex(rows).at(-1)!;
    const baseRoas = (100 + 5 * 2_000) / (10 + 5 * 1_000);
    assert.ok(Math.abs(july.roasIndex! - (100 * 3) / baseRoas) < 1e-9);
    const baseCpa = (10 + 5_000) / (1 + 100);
    assert.ok(Math.abs(july.cpaIndex! - (100 * 40) / baseCpa) < 1e-9);
    assert.equal(july.attributedRevenue, 3_000, "non-paid channels are left out");
  });

  it("gives no index without six months of history before the month", () => {
    const rows = months.slice(1).map((m) => month(m, 1_000, 2_000, 20));
    assert.ok(ppcIndex(rows).every((m) => m.roasIndex === null && m.cpaIndex === null));
  });
});

describe("glossary", () => {
  it("prints sql/README.md's Metrics glossary, every KPI with its formula", () => {
    const metrics = METRICS_GLOSSARY.map((entry) => entry.metric);
    for (const expected of [
      "blended ROAS",
      "MER",
      "CAC",
      "AOV",
      "attribution coverage",
      "refund rate",
      "platform ROAS",
    ]) {
      assert.ok(metrics.includes(expected), `glossary has ${expected}`);
    }
    assert.equal(
      METRICS_GLOSSARY.find((entry) => entry.metric === "blended ROAS")?.definition,
      "gross revenue ÷ ad spend",
    );
  });

  it("parses a glossary table, dropping its header and code spans", () => {
    const markdown =
      "## Metrics glossary\n\n| metric | formula | where |\n| --- | --- | --- |\n| AOV | `gross` ÷ orders | marts |\n\n## Next\n| x | y | z |\n";
    assert.deepEqual(parseMetricsGlossary(markdown), [{ metric: "AOV", definition: "gross ÷ orders" }]);
  });
});
