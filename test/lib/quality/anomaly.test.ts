import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type DailyValue,
  detectAnomaly,
  mad,
  median,
  theilSenSlope,
  trainingDatesFor,
  resolveAnomalyOptions,
} from "../../../functions/lib/quality/anomaly.ts";
import { addDays } from "../../../functions/lib/calendar.ts";

const MONDAY = "2026-08-03";

/** `weeks` weeks from MONDAY, one value per day from a weekly pattern (Monday first), with small wobble. */
function weekly(weeks: number, pattern: readonly number[], wobble = 0.02): DailyValue[] {
  const series: DailyValue[] = [];
  for (let day = 0; day < weeks * 7; day++) {
    const base = pattern[day % 7] ?? 0;
    // Deterministic ±wobble so the MAD is not zero.
    const factor = 1 + wobble * Math.sin(day * 1.7);
    series.push({ date: addDays(MONDAY, day), value: base * factor });
  }
  return series;
}

function setValue(series: DailyValue[], date: string, value: number | null): void {
  const point = series.find((candidate) => candidate.date === date);
  assert.ok(point, `no point on ${date}`);
  point.value = value;
}

describe("robust statistics", () => {
  it("takes medians, MADs and Theil–Sen slopes that a bad point cannot move", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(mad([1, 2, 3, 4, 100]), 1);
    const line = [0, 1, 2, 3, 4, 5].map((x) => ({ x, y: 10 + 2 * x }));
    assert.equal(theilSenSlope(line), 2);
    assert.equal(theilSenSlope([...line, { x: 6, y: -500 }]), 2);
  });
});

describe("anomaly detection", () => {
  it("compares a Monday with Mondays: a busy weekday is not a spike, a quiet one is not a drop", () => {
    // Weekends sell twice as much as weekdays.
    const pattern = [100, 100, 100, 100, 100, 200, 200];
    const series = weekly(10, pattern);
    const saturday = series.at(-2) as DailyValue;
    const monday = series.at(-7) as DailyValue;
    assert.equal(detectAnomaly(series, saturday.date).status, "normal");
    assert.equal(detectAnomaly(series, monday.date).status, "normal");
    // A Saturday at a weekday's level is half its usual: a drop, even though it equals most days' value.
    setValue(series, saturday.date, 100);
    const verdict = detectAnomaly(series, saturday.date);
    assert.equal(verdict.status, "anomaly");
    assert.equal(verdict.direction, "drop");
    assert.ok(Math.abs((verdict.expected ?? 0) - 200) < 10, `expected ≈ 200, got ${verdict.expected}`);
    // A Monday at a Saturday's level is a spike.
    setValue(series, monday.date, 200);
    assert.equal(detectAnomaly(series, monday.date).direction, "spike");
  });

  it("is not blinded by a past incident in its training weeks", () => {
    const series = weekly(10, [100, 100, 100, 100, 100, 100, 100]);
    const target = (series.at(-1) as DailyValue).date;
    // An outage (0) and a doubled day three and five weeks earlier, on the target's weekday.
    setValue(series, addDays(target, -21), 0);
    setValue(series, addDays(target, -35), 250);
    const quiet = detectAnomaly(series, target);
    assert.equal(quiet.status, "normal");
    assert.ok(Math.abs((quiet.expected ?? 0) - 100) < 5, "the median ignores the outage and the spike");
    assert.ok((quiet.upper ?? 0) < 130, `the band stays tight: upper ${quiet.upper}`);
    setValue(series, target, 60);
    assert.equal(detectAnomaly(series, target).status, "anomaly");
  });

  it("keeps the detection window out of its own training window", () => {
    const series = weekly(12, [100, 100, 100, 100, 100, 100, 100]);
    const target = (series.at(-1) as DailyValue).date;
    // A source that has been half-empty for 10 days: with a 14-day window, none of it trains the detector.
    for (let back = 0; back < 10; back++) setValue(series, addDays(target, -back), 50);
    const options = { detectionWindowDays: 14 };
    const training = trainingDatesFor(target, resolveAnomalyOptions(options));
    assert.ok(
      training.every((date) => date < addDays(target, -13)),
      "training ends before the window",
    );
    assert.equal(detectAnomaly(series, target, options).status, "anomaly");
  });

  it("does not alert on a tiny series below the minimum absolute change", () => {
    const series = weekly(10, [3, 3, 3, 3, 3, 5, 5], 0);
    const target = (series.at(-2) as DailyValue).date;
    setValue(series, target, 1);
    assert.equal(detectAnomaly(series, target, { minAbsoluteChange: 10 }).status, "normal");
    // Without the guard, 5 → 1 on a perfectly regular series is an anomaly.
    assert.equal(detectAnomaly(series, target, { minAbsoluteChange: 0 }).status, "anomaly");
  });

  it("stays quiet on a flat-zero series, and notices the first non-zero value above the minimum", () => {
    const series = weekly(10, [0, 0, 0, 0, 0, 0, 0]);
    const target = (series.at(-1) as DailyValue).date;
    const flat = detectAnomaly(series, target, { minAbsoluteChange: 50 });
    assert.equal(flat.status, "normal");
    assert.equal(flat.expected, 0);
    assert.equal(flat.lower, 0);
    setValue(series, target, 20);
    assert.equal(detectAnomaly(series, target, { minAbsoluteChange: 50 }).status, "normal");
    setValue(series, target, 500);
    const spend = detectAnomaly(series, target, { minAbsoluteChange: 50 });
    assert.equal(spend.status, "anomaly");
    assert.equal(spend.direction, "spike");
  });

  it("says there is too little history instead of guessing", () => {
    const series = weekly(3, [100, 100, 100, 100, 100, 100, 100]);
    const target = (series.at(-1) as DailyValue).date;
    setValue(series, target, 0);
    const verdict = detectAnomaly(series, target);
    assert.equal(verdict.status, "insufficient_history");
    assert.equal(verdict.expected, null);
    // Missing days do not count as training either.
    const gappy = weekly(10, [100, 100, 100, 100, 100, 100, 100]);
    const last = (gappy.at(-1) as DailyValue).date;
    for (let week = 1; week <= 6; week++) setValue(gappy, addDays(last, -7 * week), null);
    assert.equal(detectAnomaly(gappy, last).status, "insufficient_history");
  });

  it("follows a trend instead of calling steady growth a spike", () => {
    // +2% a week for 12 weeks, no noise beyond the wobble: the last day is normal, not "over the median".
    const series: DailyValue[] = [];
    for (let day = 0; day < 84; day++) {
      series.push({
        date: addDays(MONDAY, day),
        value: 1000 * 1.02 ** (day / 7) * (1 + 0.02 * Math.sin(day)),
      });
    }
    const target = (series.at(-1) as DailyValue).date;
    const verdict = detectAnomaly(series, target, { minRelativeChange: 0.05 });
    assert.equal(verdict.status, "normal");
    assert.ok((verdict.expected ?? 0) > 1200, `the expected value follows the trend: ${verdict.expected}`);
  });

  it("validates its options", () => {
    assert.throws(() => resolveAnomalyOptions({ sensitivity: 0 }), /sensitivity/);
    assert.throws(() => resolveAnomalyOptions({ minTrainingPoints: 1 }), /minTrainingPoints/);
  });
});
