// Same period last year, on hand-made daily series: a level of 10,000 a day with ±200 of alternating noise, so
// that every 28-day median is exactly 10,000 and a day's lift is its value ÷ 10,000 − 1 — known by construction,
// independently of the code. Each case runs the chain check-quality runs: the detector's verdict, the
// comparison with last year, then the finding.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays, daysBetween } from "../../../functions/lib/calendar.ts";
import { type DailyValue, detectAnomaly } from "../../../functions/lib/quality/anomaly.ts";
import {
  compareWithLastYear,
  lastYearWindow,
  movedAsMuch,
} from "../../../functions/lib/quality/last-year.ts";
import { metricAnomalyFinding } from "../../../functions/check-quality/rules.ts";
import { volumeFinding } from "../../../functions/check-sources/volume.ts";
import { SOURCES } from "../../../functions/shared/sources.ts";
import { anomalyOptionsFor, DEFAULT_QUALITY_SETTINGS } from "../../../functions/shared/quality-settings.ts";

const LEVEL = 10_000;
const money = (value: number) => `$${Math.round(value).toLocaleString("en-US")}`;

/** Every day from `from` to `to` at LEVEL ± 200 (alternating), except the days given. */
function series(from: string, to: string, days: Record<string, number>): DailyValue[] {
  const values: DailyValue[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    values.push({ date, value: days[date] ?? LEVEL + (daysBetween(from, date) % 2 === 0 ? 200 : -200) });
  }
  return values;
}

/** What check-quality does with a day of revenue: detect, compare with last year, word the finding. */
function revenueFinding(values: readonly DailyValue[], date: string, country: string) {
  const verdict = detectAnomaly(values, date, anomalyOptionsFor(DEFAULT_QUALITY_SETTINGS, "revenue"));
  assert.equal(verdict.status, "anomaly", `the detector alone calls ${date} an anomaly`);
  const comparison = compareWithLastYear(values, date, country);
  const finding = metricAnomalyFinding({
    metric: "gross_revenue",
    verdict,
    settings: DEFAULT_QUALITY_SETTINGS,
    formatMoney: money,
    lastYear: comparison,
  });
  assert.ok(finding, "a finding");
  return { verdict, comparison, finding };
}

// US Thanksgiving 2025-11-27 and 2026-11-26: the Sundays of Black Friday weekend are 2025-11-30 and 2026-11-29.
const BFCM_SUNDAY = "2026-11-29";
const BFCM_SUNDAY_LAST_YEAR = "2025-11-30";

describe("same period last year", () => {
  it("does not flag the BFCM Sunday when last year's BFCM Sunday was up as much (+80% vs +75%)", () => {
    const values = series("2025-09-01", BFCM_SUNDAY, {
      [BFCM_SUNDAY]: LEVEL * 1.8,
      [BFCM_SUNDAY_LAST_YEAR]: LEVEL * 1.75,
    });
    const { comparison, finding } = revenueFinding(values, BFCM_SUNDAY, "US");
    assert.equal(comparison.verdict, "in_line");
    assert.equal(comparison.lastYear?.date, BFCM_SUNDAY_LAST_YEAR);
    assert.equal(comparison.thisYear?.baseline, LEVEL);
    assert.equal(finding.check, "metric_in_line_with_last_year");
    assert.equal(finding.severity, "info");
    assert.match(
      finding.message,
      /in line with Black Friday – Cyber Monday weekend last year \(\+80% vs \+75% on 2025-11-30/,
    );
    assert.doesNotMatch(finding.message, /counted twice/);
  });

  it("flags the same spike on an ordinary Tuesday whose day last year was flat", () => {
    // 2026-03-10 is a Tuesday in no US event; 364 days before it is Tuesday 2025-03-11.
    const values = series("2025-01-01", "2026-03-10", { "2026-03-10": LEVEL * 1.8, "2025-03-11": LEVEL });
    const { comparison, finding } = revenueFinding(values, "2026-03-10", "US");
    assert.equal(comparison.verdict, "unexplained");
    assert.equal(comparison.event, undefined);
    assert.equal(comparison.lastYear?.date, "2025-03-11");
    assert.equal(finding.check, "metric_anomaly");
    assert.match(finding.message, /The comparable day last year \(2025-03-11\) moved \+0% against \+80% now/);
    assert.match(finding.message, /check for orders counted twice/);
  });

  it("lets an unlisted yearly promotion explain a spike on the same weekday 52 weeks later", () => {
    const values = series("2025-01-01", "2026-03-10", {
      "2026-03-10": LEVEL * 1.8,
      "2025-03-11": LEVEL * 1.7,
    });
    const { finding } = revenueFinding(values, "2026-03-10", "US");
    assert.equal(finding.check, "metric_in_line_with_last_year");
    assert.match(finding.message, /in line with the same Tuesday last year \(\+80% vs \+70% on 2025-03-11/);
  });

  it("keeps a BFCM spike flagged when last year's BFCM Sunday moved much less, naming the event", () => {
    const values = series("2025-09-01", BFCM_SUNDAY, {
      [BFCM_SUNDAY]: LEVEL * 1.8,
      [BFCM_SUNDAY_LAST_YEAR]: LEVEL * 1.2,
    });
    const { comparison, finding } = revenueFinding(values, BFCM_SUNDAY, "US");
    assert.equal(comparison.verdict, "unexplained");
    assert.equal(finding.check, "metric_anomaly");
    assert.match(
      finding.message,
      /It is Black Friday – Cyber Monday weekend, but the comparable day last year \(2025-11-30\) moved \+20% against \+80% now/,
    );
  });

  it("words a BFCM spike without last-year data as the event's, not as orders counted twice", () => {
    const values = series("2026-08-01", BFCM_SUNDAY, { [BFCM_SUNDAY]: LEVEL * 1.8 });
    const { comparison, finding } = revenueFinding(values, BFCM_SUNDAY, "US");
    assert.equal(comparison.verdict, "no_history");
    assert.equal(comparison.event?.key, "bfcm");
    assert.equal(finding.check, "metric_anomaly");
    assert.equal(finding.severity, "info");
    assert.match(
      finding.message,
      /^Black Friday – Cyber Monday weekend: a spike of \+80% in revenue \(\$18,000 on Sunday 2026-11-29, usually \$[\d,]+ for that weekday\); no last-year data to compare\.$/,
    );
  });

  it("keeps a Christmas Day drop without last-year data a warning, in the event's words", () => {
    const values = series("2026-09-01", "2026-12-25", { "2026-12-25": LEVEL * 0.4 });
    const { verdict, finding } = revenueFinding(values, "2026-12-25", "US");
    assert.equal(verdict.direction, "drop");
    // Without the calendar a 60% revenue drop is critical (criticalDropShare 0.5).
    const plain = metricAnomalyFinding({
      metric: "gross_revenue",
      verdict,
      settings: DEFAULT_QUALITY_SETTINGS,
      formatMoney: money,
    });
    assert.equal(plain?.severity, "critical");
    assert.equal(finding.severity, "warning");
    assert.match(
      finding.message,
      /^Christmas: a drop of −60% in revenue .*; no last-year data to compare\.$/,
    );
  });

  it("knows Boxing Day in a GB shop, and not in a US one", () => {
    // Boxing Day: Saturday 2026-12-26, Friday 2025-12-26 (the same event, not the same weekday).
    const values = series("2025-10-01", "2026-12-26", {
      "2026-12-26": LEVEL * 2.2,
      "2025-12-26": LEVEL * 2.1,
    });
    const gb = revenueFinding(values, "2026-12-26", "GB");
    assert.equal(gb.comparison.event?.key, "boxing-day");
    assert.equal(gb.comparison.lastYear?.date, "2025-12-26");
    assert.equal(gb.finding.check, "metric_in_line_with_last_year");
    assert.match(
      gb.finding.message,
      /in line with Boxing Day sales last year \(\+120% vs \+110% on 2025-12-26/,
    );
    // A US shop has no Boxing Day: its comparable day is Saturday 2025-12-27 (364 days back), an ordinary day.
    const us = revenueFinding(values, "2026-12-26", "US");
    assert.equal(us.comparison.lastYear?.date, "2025-12-27");
    assert.equal(us.finding.check, "metric_anomaly");
    assert.match(us.finding.message, /counted twice/);
  });

  it("does not call a Christmas Day drop critical when last Christmas dropped as much", () => {
    const values = series("2025-10-01", "2026-12-25", {
      "2026-12-25": LEVEL * 0.4,
      "2025-12-25": LEVEL * 0.45,
    });
    const { verdict, finding } = revenueFinding(values, "2026-12-25", "US");
    assert.equal(verdict.direction, "drop");
    assert.equal(finding.severity, "info");
    assert.match(finding.message, /in line with Christmas last year \(−60% vs −55% on 2025-12-25/);
  });

  it("words the rows landed on a calendar day as the calendar's, and an ordinary doubled day as a batch twice", () => {
    const shopify = SOURCES.find((source) => source.name === "shopify");
    assert.ok(shopify);
    const landed = (values: readonly DailyValue[], date: string) => {
      const verdict = detectAnomaly(values, date, anomalyOptionsFor(DEFAULT_QUALITY_SETTINGS, "rowsLanded"));
      assert.equal(verdict.status, "anomaly");
      return volumeFinding(shopify, 0.5, verdict, compareWithLastYear(values, date, "US"));
    };
    const withLastYear = landed(
      series("2025-09-01", BFCM_SUNDAY, { [BFCM_SUNDAY]: LEVEL * 2, [BFCM_SUNDAY_LAST_YEAR]: LEVEL * 1.9 }),
      BFCM_SUNDAY,
    );
    assert.equal(withLastYear?.check, "source_volume_in_line_with_last_year");
    assert.match(
      withLastYear?.message ?? "",
      /in line with Black Friday – Cyber Monday weekend last year \(\+100% vs \+90%/,
    );
    const noHistory = landed(series("2026-08-01", BFCM_SUNDAY, { [BFCM_SUNDAY]: LEVEL * 2 }), BFCM_SUNDAY);
    assert.equal(noHistory?.severity, "info");
    assert.match(
      noHistory?.message ?? "",
      /^Black Friday – Cyber Monday weekend: Shopify landed 20,000 rows for 2026-11-29, a rise of \+100% against the usual [\d,]+ rows for a Sunday; no last-year data to compare\.$/,
    );
    const tuesday = landed(
      series("2025-01-01", "2026-03-10", { "2026-03-10": LEVEL * 2, "2025-03-11": LEVEL }),
      "2026-03-10",
    );
    assert.equal(tuesday?.check, "source_volume");
    assert.match(tuesday?.message ?? "", /a batch may have landed twice/);
  });

  it("reads only last year's comparable day and the 28 days before it", () => {
    assert.deepEqual(lastYearWindow("US", BFCM_SUNDAY), { start: "2025-11-02", end: BFCM_SUNDAY_LAST_YEAR });
    assert.deepEqual(lastYearWindow("US", "2026-03-10"), { start: "2025-02-11", end: "2025-03-11" });
  });

  it("is in line only when last year moved the same way by at least 75% as much", () => {
    assert.equal(movedAsMuch(0.8, 0.6, 0.25), true);
    assert.equal(movedAsMuch(0.8, 0.59, 0.25), false);
    assert.equal(movedAsMuch(0.8, 1.5, 0.25), true);
    assert.equal(movedAsMuch(-0.4, -0.3, 0.25), true);
    assert.equal(movedAsMuch(-0.4, 0.3, 0.25), false);
    assert.equal(movedAsMuch(0.3, 0, 0.25), false);
  });
});
