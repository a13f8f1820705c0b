import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { firstDataDay, rangeCoverage } from "../../../functions/lib/reporting/data-coverage.ts";
import {
  changeRatio,
  compareKpis,
  compareRates,
  compareValues,
  comparisonDates,
  judgeChange,
  comparePeriod,
  lastDays,
  monthToDate,
  monthToDateRanges,
  reportPeriodRanges,
  rowOn,
  sumPeriod,
  sumWholePeriod,
} from "../../../functions/lib/reporting/kpi-comparisons.ts";
import type { DailyKpiRow } from "../../../functions/lib/reporting/report-data.ts";
import { formatMetricChange } from "../../../functions/lib/reporting/display-format.ts";

function row(date: string, values: Partial<DailyKpiRow> = {}): DailyKpiRow {
  return {
    date,
    orders: 10,
    gross_revenue: 1000,
    discounts: 0,
    refunds: 0,
    net_revenue: 1000,
    units: 10,
    aov: 100,
    new_customers: 5,
    returning_customers: 5,
    new_customer_revenue: 500,
    returning_customer_revenue: 500,
    ad_spend: 500,
    blended_roas: 2,
    mer: 2,
    cac: 100,
    ...values,
  };
}

/**
 * A known weekly pattern: revenue = 1,000 + 100 × weekday (Sunday 0 … Saturday 6), plus 200 in 2026, and
 * 10 orders a day. So any day equals the same weekday a week earlier, and differs from the same weekday 52
 * weeks earlier by exactly 200.
 */
function weeklySeries(from: string, to: string): DailyKpiRow[] {
  const rows: DailyKpiRow[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const gross = 1000 + 100 * weekday + (date.startsWith("2026") ? 200 : 0);
    rows.push(
      row(date, {
        gross_revenue: gross,
        net_revenue: gross - 100,
        aov: gross / 10,
        ad_spend: 400,
        blended_roas: gross / 400,
        mer: (gross - 100) / 400,
        cac: 80,
      }),
    );
  }
  return rows;
}

describe("comparison dates", () => {
  it("compares with the day before, the same weekday last week and 52 weeks earlier", () => {
    const dates = comparisonDates("2026-03-01");
    assert.deepEqual(dates, {
      runDate: "2026-03-01",
      previousDay: "2026-02-28",
      lastWeek: "2026-02-22",
      lastYear: "2025-03-02",
    });
    const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
    assert.equal(weekday(dates.lastWeek), weekday(dates.runDate));
    assert.equal(weekday(dates.lastYear), weekday(dates.runDate));
  });
});

describe("compareKpis", () => {
  const series = weeklySeries("2025-01-01", "2026-03-31");

  it("finds the weekly pattern: flat against last week, up against the day before and last year", () => {
    // 2026-03-18 is a Wednesday (weekday 3): 1,000 + 300 + 200 = 1,500.
    const [revenue] = compareKpis(series, "2026-03-18", ["gross_revenue"]);
    assert.ok(revenue);
    assert.equal(revenue.value, 1500);
    assert.equal(revenue.lastWeek.base, 1500);
    assert.equal(revenue.lastWeek.change, 0);
    assert.equal(revenue.lastWeek.direction, "flat");
    assert.equal(revenue.lastWeek.tone, "neutral");
    assert.equal(revenue.previousDay.base, 1400);
    assert.equal(revenue.previousDay.change, 100 / 1400);
    assert.equal(revenue.previousDay.tone, "good");
    // 2025-03-19 is also a Wednesday: 1,300.
    assert.equal(revenue.lastYear.baseDate, "2025-03-19");
    assert.equal(revenue.lastYear.base, 1300);
    assert.equal(revenue.lastYear.change, 200 / 1300);
    assert.equal(revenue.lastYear.direction, "up");
  });

  it("a Monday is down on the Sunday before it only because of the weekly pattern", () => {
    // 2026-03-16 is a Monday (1,300 with the 2026 uplift); Sunday 2026-03-15 is 1,200.
    const [revenue] = compareKpis(series, "2026-03-16", ["gross_revenue"]);
    assert.equal(revenue?.previousDay.change, 100 / 1200);
    assert.equal(revenue?.lastWeek.change, 0);
  });

  it("uses each row's own ratios for the day (ROAS from the mart row)", () => {
    const [roas] = compareKpis(series, "2026-03-18", ["blended_roas"]);
    assert.equal(roas?.value, 1500 / 400);
    assert.equal(roas?.lastYear.base, 1300 / 400);
  });

  it("gives null changes, never 0, when the comparison day is missing", () => {
    const short = series.filter((r) => r.date >= "2026-03-01");
    const withGap = short.filter((r) => r.date !== "2026-03-11");
    const [revenue] = compareKpis(withGap, "2026-03-18", ["gross_revenue"]);
    assert.equal(revenue?.lastWeek.base, null);
    assert.equal(revenue?.lastWeek.change, null);
    assert.equal(revenue?.lastWeek.direction, null);
    assert.equal(revenue?.lastWeek.tone, "neutral");
    assert.equal(revenue?.lastYear.change, null);
    assert.equal(revenue?.previousDay.change, 100 / 1400);
  });

  it("gives null values when the run day itself has no row", () => {
    const [revenue] = compareKpis(series, "2027-01-01", ["gross_revenue"]);
    assert.equal(revenue?.value, null);
    assert.equal(revenue?.lastWeek.change, null);
  });

  it("gives a null change when the base is 0 or the ratio itself is null", () => {
    const rows = [
      row("2026-03-11", { ad_spend: 0, blended_roas: null, new_customers: 0, cac: null }),
      row("2026-03-18", { ad_spend: 0, blended_roas: null }),
    ];
    const [spend, roas, cac] = compareKpis(rows, "2026-03-18", ["ad_spend", "blended_roas", "cac"]);
    assert.equal(spend?.value, 0);
    assert.equal(spend?.lastWeek.change, null);
    assert.equal(roas?.value, null);
    assert.equal(roas?.lastWeek.change, null);
    assert.equal(cac?.value, 100);
    assert.equal(cac?.lastWeek.base, null);
    assert.equal(cac?.lastWeek.change, null);
  });
});

describe("changeRatio and judgeChange", () => {
  it("is null for a missing or zero base and for a missing value", () => {
    assert.equal(changeRatio(100, 0), null);
    assert.equal(changeRatio(100, null), null);
    assert.equal(changeRatio(null, 100), null);
    assert.equal(changeRatio(108, 100), 0.08);
    assert.equal(changeRatio(0, 100), -1);
  });

  it("reads a rise from a negative base as a rise", () => {
    assert.equal(changeRatio(50, -100), 1.5);
    assert.equal(changeRatio(-150, -100), -0.5);
  });

  it("decides per metric whether a change is good", () => {
    assert.equal(judgeChange("gross_revenue", 0.1), "good");
    assert.equal(judgeChange("gross_revenue", -0.1), "bad");
    assert.equal(judgeChange("orders", 0.1), "good");
    assert.equal(judgeChange("aov", 0.1), "good");
    assert.equal(judgeChange("blended_roas", -0.1), "bad");
    assert.equal(judgeChange("mer", 0.1), "good");
    assert.equal(judgeChange("new_customers", 0.1), "good");
    assert.equal(judgeChange("cac", 0.1), "bad");
    assert.equal(judgeChange("cac", -0.1), "good");
    assert.equal(judgeChange("ad_spend", 0.5), "neutral");
    assert.equal(judgeChange("ad_spend", -0.5), "neutral");
    assert.equal(judgeChange("gross_revenue", null), "neutral");
    // Rounds to 0% on screen, so it is not called good or bad.
    assert.equal(judgeChange("gross_revenue", 0.004), "neutral");
  });
});

describe("period sums", () => {
  it("sums month to date and the same days of the previous month", () => {
    const series = weeklySeries("2025-01-01", "2026-03-31");
    const mtd = monthToDate(series, "2026-03-18");
    // 1–18 March 2026 and 1–18 February 2026, summed by hand from the pattern.
    const expected = (from: string, to: string) =>
      series.filter((r) => r.date >= from && r.date <= to).reduce((sum, r) => sum + r.gross_revenue, 0);
    assert.equal(mtd.current?.from, "2026-03-01");
    assert.equal(mtd.current?.to, "2026-03-18");
    assert.equal(mtd.current?.days, 18);
    assert.equal(mtd.current?.gross_revenue, expected("2026-03-01", "2026-03-18"));
    assert.equal(mtd.current?.orders, 180);
    assert.equal(mtd.current?.ad_spend, 18 * 400);
    assert.equal(mtd.previous?.from, "2026-02-01");
    assert.equal(mtd.previous?.to, "2026-02-18");
    assert.equal(mtd.previous?.gross_revenue, expected("2026-02-01", "2026-02-18"));
    // Both periods have 18 days: 1–18 March 2026 starts on a Sunday, 1–18 February 2026 on a Sunday too.
    assert.equal(mtd.current?.gross_revenue, mtd.previous?.gross_revenue);
    assert.equal(mtd.changes.gross_revenue.change, 0);
  });

  it("cuts the previous month at its last day", () => {
    assert.deepEqual(monthToDateRanges("2026-03-31").previous, { from: "2026-02-01", to: "2026-02-28" });
    assert.deepEqual(monthToDateRanges("2024-03-31").previous, { from: "2024-02-01", to: "2024-02-29" });
    assert.deepEqual(monthToDateRanges("2026-01-15").previous, { from: "2025-12-01", to: "2025-12-15" });
    assert.deepEqual(monthToDateRanges("2026-01-15").current, { from: "2026-01-01", to: "2026-01-15" });
  });

  it("recomputes ratios from the sums, never averaging daily ratios", () => {
    // Day 1: $90 revenue on $10 spend (ROAS 9), 1 order, 1 new customer (CAC 10).
    // Day 2: $20,000 revenue on $10,000 spend (ROAS 2), 100 orders, 50 new customers (CAC 200).
    const rows = [
      row("2026-05-01", {
        gross_revenue: 90,
        net_revenue: 80,
        ad_spend: 10,
        orders: 1,
        new_customers: 1,
        aov: 90,
        blended_roas: 9,
        mer: 8,
        cac: 10,
      }),
      row("2026-05-02", {
        gross_revenue: 20_000,
        net_revenue: 18_000,
        ad_spend: 10_000,
        orders: 100,
        new_customers: 50,
        aov: 200,
        blended_roas: 2,
        mer: 1.8,
        cac: 200,
      }),
    ];
    const totals = sumPeriod(rows, "2026-05-01", "2026-05-02");
    assert.ok(totals);
    assert.equal(totals.blended_roas, 20_090 / 10_010);
    assert.notEqual(totals.blended_roas, (9 + 2) / 2);
    assert.equal(totals.mer, 18_080 / 10_010);
    assert.equal(totals.aov, 20_090 / 101);
    assert.notEqual(totals.aov, (90 + 200) / 2);
    assert.equal(totals.cac, 10_010 / 51);
    assert.notEqual(totals.cac, (10 + 200) / 2);
  });

  it("gives null ratios for zero denominators and null totals when history does not reach back", () => {
    const rows = [row("2026-05-01", { ad_spend: 0, orders: 0, new_customers: 0 })];
    const totals = sumPeriod(rows, "2026-05-01", "2026-05-01");
    assert.equal(totals?.blended_roas, null);
    assert.equal(totals?.mer, null);
    assert.equal(totals?.aov, null);
    assert.equal(totals?.cac, null);
    // New customers but no ad spend (the platforms not landed): no CAC, as the extract's cac is blank, not $0.00.
    const unspent = sumPeriod([row("2026-05-01", { ad_spend: 0, cac: null })], "2026-05-01", "2026-05-01");
    assert.equal(unspent?.new_customers, 5);
    assert.equal(unspent?.cac, null);
    assert.equal(sumPeriod(rows, "2026-04-01", "2026-04-30"), null);
    assert.equal(sumPeriod([], "2026-04-01", "2026-04-30"), null);
    const mtd = monthToDate([row("2026-05-01"), row("2026-05-02")], "2026-05-02");
    assert.equal(mtd.current?.gross_revenue, 2000);
    assert.equal(mtd.previous, null);
    assert.equal(mtd.changes.gross_revenue.change, null);
  });

  it("picks the last days up to the run date and finds a row by date", () => {
    const series = weeklySeries("2026-01-01", "2026-03-31");
    const last = lastDays(series, "2026-03-18", 28);
    assert.equal(last.length, 28);
    assert.equal(last[0]?.date, "2026-02-19");
    assert.equal(last.at(-1)?.date, "2026-03-18");
    assert.equal(rowOn(series, "2026-03-18")?.gross_revenue, 1500);
    assert.equal(rowOn(series, "2027-01-01"), undefined);
  });
});

describe("rates change in points", () => {
  it("a discount rate from 1.8% to 5.5% is +3.7 points (not +206%), judged by its polarity", () => {
    const change = compareRates("down_is_good", 0.055, 0.018, "2026-10-01");
    assert.equal(change.unit, "points");
    assert.ok(Math.abs((change.change ?? 0) - 0.037) < 1e-12);
    assert.equal(change.direction, "up");
    assert.equal(change.tone, "bad");
    assert.equal(formatMetricChange(change, "en-US"), "+3.7\u00a0pts");
    assert.equal(formatMetricChange(compareValues("down_is_good", 0.055, 0.018), "en-US"), "+206%");
  });

  it("is flat under 0.05 points and n/a without a base; a zero base still has a change in points", () => {
    assert.equal(compareRates("up_is_good", 0.1004, 0.1).direction, "flat");
    assert.equal(compareRates("up_is_good", 0.1004, 0.1).tone, "neutral");
    assert.equal(formatMetricChange(compareRates("up_is_good", 0.1004, 0.1), "en-US"), "0.0\u00a0pts");
    assert.equal(compareRates("up_is_good", 0.1, null).change, null);
    assert.equal(formatMetricChange(compareRates("up_is_good", 0.02, 0), "en-US"), "+2.0\u00a0pts");
    assert.equal(formatMetricChange(compareRates("up_is_good", 0.1, 0.125), "de-DE"), "-2,5\u00a0pts");
  });
});

describe("a period that starts before the data (a shop's first, partial month)", () => {
  // Orders only from Sat 28 Nov 2026; the run date is Mon 30 Nov. Hand-made rows, summed by hand below.
  const firstDays = [
    row("2026-11-28", { orders: 3, gross_revenue: 120, net_revenue: 110, ad_spend: 30, new_customers: 3 }),
    row("2026-11-29", { orders: 2, gross_revenue: 91, net_revenue: 91, ad_spend: 25, new_customers: 2 }),
    row("2026-11-30", { orders: 3, gross_revenue: 140, net_revenue: 130, ad_spend: 25, new_customers: 2 }),
  ];

  it("knows where the data starts and how much of a range it covers", () => {
    assert.equal(firstDataDay(firstDays), "2026-11-28");
    assert.equal(firstDataDay([...firstDays].reverse()), "2026-11-28");
    assert.equal(firstDataDay([]), null);
    const nov = { from: "2026-11-01", to: "2026-11-30" };
    assert.deepEqual(rangeCoverage(firstDays, nov), { kind: "partial", dataFrom: "2026-11-28" });
    assert.deepEqual(rangeCoverage(firstDays, { from: "2026-11-28", to: "2026-11-30" }), {
      kind: "full",
      dataFrom: "2026-11-28",
    });
    assert.deepEqual(rangeCoverage(firstDays, { from: "2026-10-01", to: "2026-10-30" }), {
      kind: "none",
      dataFrom: "2026-11-28",
    });
    assert.deepEqual(rangeCoverage([], nov), { kind: "none", dataFrom: null });
  });

  it("sums the month to date over the days the data has, and says from when", () => {
    const mtd = monthToDate(firstDays, "2026-11-30");
    assert.equal(mtd.current?.from, "2026-11-01");
    assert.equal(mtd.current?.covered_from, "2026-11-28");
    assert.equal(mtd.current?.days, 3);
    assert.equal(mtd.current?.gross_revenue, 351); // 120 + 91 + 140
    assert.equal(mtd.current?.net_revenue, 331); // 110 + 91 + 130
    assert.equal(mtd.current?.orders, 8); // 3 + 2 + 3
    assert.equal(mtd.current?.ad_spend, 80); // 30 + 25 + 25
    assert.equal(mtd.current?.new_customers, 7);
    assert.equal(mtd.current?.blended_roas, 351 / 80);
    assert.equal(mtd.current?.cac, 80 / 7);
    assert.deepEqual(mtd.coverage.current, { kind: "partial", dataFrom: "2026-11-28" });
  });

  it("gives no base, never a 0, for the previous month the data does not reach", () => {
    const mtd = monthToDate(firstDays, "2026-11-30");
    assert.equal(mtd.previous, null);
    assert.deepEqual(mtd.coverage.previous, { kind: "none", dataFrom: "2026-11-28" });
    assert.equal(mtd.changes.gross_revenue.base, null);
    assert.equal(mtd.changes.gross_revenue.change, null);
    assert.equal(mtd.changes.gross_revenue.direction, null);
    assert.equal(mtd.changes.gross_revenue.tone, "neutral");
    assert.equal(sumPeriod(firstDays, "2026-10-01", "2026-10-30"), null);
  });

  it("compares the deck's periods the same way: current partial, bases before the data n/a", () => {
    const ranges = reportPeriodRanges("2026-11-30", "monthly");
    const toDate = comparePeriod(firstDays, ranges.toDate);
    assert.equal(toDate.current?.gross_revenue, 351);
    assert.equal(toDate.current?.covered_from, "2026-11-28");
    assert.equal(toDate.previous, null);
    assert.equal(toDate.lastYear, null);
    assert.equal(toDate.coverage.previous.kind, "none");
    assert.equal(toDate.coverage.lastYear.kind, "none");
    assert.equal(toDate.vsPrevious.orders.change, null);
    assert.equal(toDate.vsLastYear.orders.change, null);
    // October 2026, the last full month, is wholly before the data: n/a, not $0.
    const complete = comparePeriod(firstDays, ranges.complete);
    assert.equal(complete.current, null);
    assert.equal(complete.coverage.current.kind, "none");
  });

  it("a base the data starts partway through is not like for like: n/a, though the rows could be summed", () => {
    // Every day from Thu 15 Oct 2026: 10 orders and $1,000 a day (the row() defaults).
    const fromMidOctober: DailyKpiRow[] = [];
    for (let day = "2026-10-15"; day <= "2026-11-30"; day = addDays(day, 1)) fromMidOctober.push(row(day));
    const mtd = monthToDate(fromMidOctober, "2026-11-30");
    assert.equal(mtd.current?.gross_revenue, 30 * 1000);
    assert.equal(mtd.current?.covered_from, "2026-11-01");
    assert.deepEqual(mtd.coverage.previous, { kind: "partial", dataFrom: "2026-10-15" });
    assert.equal(mtd.previous, null);
    assert.equal(mtd.changes.gross_revenue.change, null);
    assert.equal(sumWholePeriod(fromMidOctober, { from: "2026-10-01", to: "2026-10-30" }), null);
    const ranges = reportPeriodRanges("2026-11-30", "monthly");
    const toDate = comparePeriod(fromMidOctober, ranges.toDate);
    assert.equal(toDate.previous, null);
    assert.equal(toDate.coverage.previous.kind, "partial");
    // The last full month is October, summed over the 17 days from the 15th (and labelled so by the deck).
    const complete = comparePeriod(fromMidOctober, ranges.complete);
    assert.equal(complete.current?.covered_from, "2026-10-15");
    assert.equal(complete.current?.days, 17);
    assert.equal(complete.current?.gross_revenue, 17 * 1000);
    assert.equal(complete.previous, null);
    assert.equal(complete.coverage.previous.kind, "none");
  });

  it("year over year: a year-ago range partly before the data is n/a; one the data covers whole is compared", () => {
    // Every day from 10 Nov 2025: the year-ago month to date (1–30 Nov 2025) starts before the data.
    const series: DailyKpiRow[] = [];
    for (let day = "2025-11-10"; day <= "2026-11-30"; day = addDays(day, 1)) {
      series.push(row(day, { gross_revenue: day < "2026-01-01" ? 800 : 1000 }));
    }
    const ranges = reportPeriodRanges("2026-11-30", "monthly");
    const toDate = comparePeriod(series, ranges.toDate);
    assert.deepEqual(ranges.toDate.lastYear, { from: "2025-11-01", to: "2025-11-30" });
    assert.deepEqual(toDate.coverage.lastYear, { kind: "partial", dataFrom: "2025-11-10" });
    assert.equal(toDate.lastYear, null);
    assert.equal(toDate.vsLastYear.gross_revenue.change, null);
    // Against last month (1–30 Oct 2026, covered whole): 30 × 1,000 against 30 × 1,000.
    assert.equal(toDate.previous?.gross_revenue, 30_000);
    assert.equal(toDate.vsPrevious.gross_revenue.change, 0);
    // Run on 31 Dec 2026 (with every December day): 1–31 Dec 2025 is covered whole, $800 a day against $1,000.
    const withDecember = [...series, ...Array.from({ length: 31 }, (_, i) => row(addDays("2026-12-01", i)))];
    const december = comparePeriod(withDecember, reportPeriodRanges("2026-12-31", "monthly").toDate);
    assert.equal(december.coverage.lastYear.kind, "full");
    assert.equal(december.lastYear?.gross_revenue, 31 * 800);
    assert.equal(december.vsLastYear.gross_revenue.change, (31 * 1000 - 31 * 800) / (31 * 800));
  });

  it("a base with days of no order and no spend (no row) is compared: those days are zero, not missing", () => {
    // A small shop without ads: every day from 1 Sep 2025 has 2 orders and $100, except every Sunday, which has
    // no order and so no row in marts.daily_kpis.
    const series: DailyKpiRow[] = [];
    for (let day = "2025-09-01"; day <= "2026-11-30"; day = addDays(day, 1)) {
      if (new Date(`${day}T00:00:00Z`).getUTCDay() === 0) continue;
      series.push(row(day, { orders: 2, gross_revenue: 100, ad_spend: 0 }));
    }
    const ranges = reportPeriodRanges("2026-11-30", "monthly");
    const sundays = (from: string, to: string) => {
      let count = 0;
      for (let day = from; day <= to; day = addDays(day, 1))
        if (new Date(`${day}T00:00:00Z`).getUTCDay() === 0) count += 1;
      return count;
    };
    const daysOf = (from: string, to: string) =>
      Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1 - sundays(from, to);
    // The last full month, October 2026, against September 2026 and October 2025: each summed over its
    // order days, independently counted here.
    const complete = comparePeriod(series, ranges.complete);
    assert.deepEqual(ranges.complete.previous, { from: "2026-09-01", to: "2026-09-30" });
    assert.equal(complete.previous?.gross_revenue, 100 * daysOf("2026-09-01", "2026-09-30"));
    assert.equal(complete.lastYear?.gross_revenue, 100 * daysOf("2025-10-01", "2025-10-31"));
    const october2026 = 100 * daysOf("2026-10-01", "2026-10-31");
    assert.equal(complete.current?.gross_revenue, october2026);
    assert.equal(
      complete.vsPrevious.gross_revenue.change,
      (october2026 - 100 * daysOf("2026-09-01", "2026-09-30")) / (100 * daysOf("2026-09-01", "2026-09-30")),
    );
    // Week over week, with a Sunday in each week.
    const weekly = comparePeriod(series, reportPeriodRanges("2026-11-30", "weekly").complete);
    assert.notEqual(weekly.previous, null);
    assert.equal(weekly.previous?.orders, 2 * 6);
  });

  it("a month the data covers with no order day is a genuine 0, not n/a", () => {
    const october: DailyKpiRow[] = [];
    for (let day = "2026-10-01"; day <= "2026-10-31"; day = addDays(day, 1)) october.push(row(day));
    const mtd = monthToDate(october, "2026-11-05");
    assert.equal(mtd.coverage.current.kind, "full");
    assert.equal(mtd.current?.days, 0);
    assert.equal(mtd.current?.orders, 0);
    assert.equal(mtd.current?.gross_revenue, 0);
    assert.equal(mtd.previous?.gross_revenue, 5 * 1000);
    assert.equal(mtd.changes.gross_revenue.change, -1);
  });
});
