// Detection quality of the anomaly detector on a year of generated daily series with weekly seasonality, trend,
// a yearly swing and noise, with known anomalies injected (drops, spikes, zeros, runs of stale days). It prints
// a Markdown table and holds the detector to its targets: every injected anomaly found, at most one false
// alert per 30 clean days. A naive mean ± 3σ detector over the last 28 days runs on the same series, to show
// what weekday awareness, robust statistics and a training window that excludes the incident buy.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DailyValue, scanSeries } from "../../../functions/lib/quality/anomaly.ts";
import {
  type AnomalyMetricKind,
  anomalyOptionsFor,
  DEFAULT_QUALITY_SETTINGS,
} from "../../../functions/shared/quality-settings.ts";
import { addDays } from "../../../functions/lib/calendar.ts";

/** mulberry32: small, deterministic, good enough for test noise. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

type Kind = "drop" | "spike" | "zero" | "stale";

interface SeriesSpec {
  name: string;
  level: number;
  /** Multipliers Monday..Sunday. */
  weekly: readonly number[];
  /** Growth over the year, e.g. 0.4 = +40%. */
  trend: number;
  /** Amplitude of a yearly sine swing. */
  yearly: number;
  /** Relative noise (σ of a multiplicative normal term). */
  noise: number;
  /** Counts are rounded to whole numbers. */
  integer: boolean;
  /** Which of the shipped defaults (settings.ts) the detector runs with. */
  kind: AnomalyMetricKind;
}

interface Generated {
  series: DailyValue[];
  /** Injected anomalous days and their kind. */
  injected: Map<string, Kind>;
}

const START = "2025-01-06"; // a Monday
const DAYS = 364;
/** The first ten weeks only train the detectors; judging starts after them. */
const JUDGE_FROM = addDays(START, 70);
const JUDGE_TO = addDays(START, DAYS - 1);

function generate(spec: SeriesSpec, seed: number, inject: boolean): Generated {
  const random = prng(seed);
  const series: DailyValue[] = [];
  for (let day = 0; day < DAYS; day++) {
    const base =
      spec.level *
      (spec.weekly[day % 7] ?? 1) *
      (1 + (spec.trend * day) / DAYS) *
      (1 + spec.yearly * Math.sin((2 * Math.PI * day) / 365 + seed));
    const value = Math.max(0, base * (1 + spec.noise * gaussian(random)));
    series.push({ date: addDays(START, day), value: spec.integer ? Math.round(value) : value });
  }
  const injected = new Map<string, Kind>();
  if (!inject) return { series, injected };
  // Two of every kind, spread over the judged part of the year, the first ones early enough to sit in the
  // training window of the later ones (a past incident the detector must not learn from).
  const plan: [number, Kind][] = [
    [80, "drop"],
    [95, "spike"],
    [101, "zero"],
    [120, "stale"],
    [150, "drop"],
    [172, "spike"],
    [200, "zero"],
    [236, "stale"],
    [270, "drop"],
    [300, "spike"],
    [331, "drop"],
    [352, "spike"],
  ];
  for (const [offset, kind] of plan) {
    const day = offset + Math.floor(random() * 5);
    const length = kind === "stale" ? 4 : 1;
    for (let index = day; index < day + length && index < DAYS; index++) {
      const point = series[index] as DailyValue;
      const value = point.value ?? 0;
      const factor =
        kind === "drop"
          ? 0.45 + 0.15 * random() // −40% to −55%
          : kind === "spike"
            ? 1.8 + 0.7 * random() // +80% to +150%
            : kind === "zero"
              ? 0
              : 0.1 + 0.2 * random(); // a stale source: only 10–30% of the day landed
      point.value = spec.integer ? Math.round(value * factor) : value * factor;
      injected.set(point.date, kind);
    }
  }
  return { series, injected };
}

/** The common monitor: mean ± 3σ of the previous 28 days, all weekdays mixed, the days just before included. */
function naiveVerdicts(series: readonly DailyValue[], from: string, to: string): Set<string> {
  const byDate = new Map(series.map((point) => [point.date, point.value ?? 0]));
  const flagged = new Set<string>();
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const training: number[] = [];
    for (let back = 1; back <= 28; back++) {
      const value = byDate.get(addDays(date, -back));
      if (value !== undefined) training.push(value);
    }
    const mean = training.reduce((sum, value) => sum + value, 0) / training.length;
    const sd = Math.sqrt(
      training.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (training.length - 1),
    );
    const observed = byDate.get(date) ?? 0;
    if (Math.abs(observed - mean) > 3 * sd) flagged.add(date);
  }
  return flagged;
}

function robustVerdicts(spec: SeriesSpec, series: readonly DailyValue[]): Set<string> {
  return new Set(
    scanSeries(series, JUDGE_FROM, JUDGE_TO, anomalyOptionsFor(DEFAULT_QUALITY_SETTINGS, spec.kind))
      .filter((verdict) => verdict.status === "anomaly")
      .map((verdict) => verdict.date),
  );
}

const WEEKLY_SHOP = [1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.25];
const WEEKLY_ADS = [1.05, 1.05, 1.0, 1.0, 0.95, 0.9, 0.9];

const SPECS: readonly SeriesSpec[] = [
  {
    name: "revenue",
    level: 12_000,
    weekly: WEEKLY_SHOP,
    trend: 0.4,
    yearly: 0.1,
    noise: 0.08,
    integer: false,
    kind: "revenue",
  },
  {
    name: "orders",
    level: 300,
    weekly: WEEKLY_SHOP,
    trend: 0.4,
    yearly: 0.1,
    noise: 0.06,
    integer: true,
    kind: "orders",
  },
  {
    name: "aov",
    level: 65,
    weekly: [1, 1, 1, 1, 1.02, 1.05, 1.04],
    trend: 0.05,
    yearly: 0.03,
    noise: 0.04,
    integer: false,
    kind: "aov",
  },
  {
    name: "meta spend",
    level: 2_500,
    weekly: WEEKLY_ADS,
    trend: 0.3,
    yearly: 0.1,
    noise: 0.07,
    integer: false,
    kind: "adSpend",
  },
  {
    name: "rows landed",
    level: 900,
    weekly: WEEKLY_SHOP,
    trend: 0.3,
    yearly: 0.05,
    noise: 0.05,
    integer: true,
    kind: "rowsLanded",
  },
  {
    name: "tiny shop orders",
    level: 6,
    weekly: WEEKLY_SHOP,
    trend: 0.2,
    yearly: 0,
    noise: 0.4,
    integer: true,
    kind: "orders",
  },
];

interface Score {
  injected: number;
  found: number;
  clean: number;
  falseAlerts: number;
}

function score(flagged: ReadonlySet<string>, injected: ReadonlyMap<string, Kind>): Score {
  const result: Score = { injected: 0, found: 0, clean: 0, falseAlerts: 0 };
  for (let date = JUDGE_FROM; date <= JUDGE_TO; date = addDays(date, 1)) {
    if (injected.has(date)) {
      result.injected += 1;
      if (flagged.has(date)) result.found += 1;
    } else {
      result.clean += 1;
      if (flagged.has(date)) result.falseAlerts += 1;
    }
  }
  return result;
}

const SEEDS = [1, 2, 3];

describe("anomaly detection quality on generated series", () => {
  it("finds every injected anomaly with at most one false alert per 30 clean days, and beats mean ± 3σ", () => {
    const rows: string[] = [
      "| series | injected days | found (robust) | false alerts (robust) | found (mean ± 3σ) | false alerts (mean ± 3σ) | clean days |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    const totals = {
      robust: { found: 0, falseAlerts: 0 },
      naive: { found: 0, falseAlerts: 0 },
      injected: 0,
      clean: 0,
    };
    const failures: string[] = [];
    const byKind = new Map<Kind, { injected: number; robust: number; naive: number }>();
    for (const spec of SPECS) {
      // The tiny shop is there to test the quiet side only: nothing is injected, nothing may alert.
      const inject = spec.name !== "tiny shop orders";
      const sum = {
        robust: { found: 0, falseAlerts: 0 },
        naive: { found: 0, falseAlerts: 0 },
        injected: 0,
        clean: 0,
      };
      for (const seed of SEEDS) {
        const { series, injected } = generate(spec, seed * 101 + spec.level, inject);
        const robustFlags = robustVerdicts(spec, series);
        const naiveFlags = naiveVerdicts(series, JUDGE_FROM, JUDGE_TO);
        const robust = score(robustFlags, injected);
        const naive = score(naiveFlags, injected);
        for (const [date, kind] of injected) {
          if (date < JUDGE_FROM) continue;
          const tally = byKind.get(kind) ?? { injected: 0, robust: 0, naive: 0 };
          tally.injected += 1;
          if (robustFlags.has(date)) tally.robust += 1;
          if (naiveFlags.has(date)) tally.naive += 1;
          byKind.set(kind, tally);
        }
        sum.injected += robust.injected;
        sum.clean += robust.clean;
        sum.robust.found += robust.found;
        sum.robust.falseAlerts += robust.falseAlerts;
        sum.naive.found += naive.found;
        sum.naive.falseAlerts += naive.falseAlerts;
        if (robust.found < robust.injected)
          failures.push(`${spec.name} seed ${seed}: found ${robust.found} of ${robust.injected}`);
        if (robust.falseAlerts > robust.clean / 30)
          failures.push(
            `${spec.name} seed ${seed}: ${robust.falseAlerts} false alerts in ${robust.clean} days`,
          );
      }
      rows.push(
        `| ${spec.name} | ${sum.injected} | ${sum.robust.found} | ${sum.robust.falseAlerts} | ${sum.naive.found} | ${sum.naive.falseAlerts} | ${sum.clean} |`,
      );
      totals.injected += sum.injected;
      totals.clean += sum.clean;
      totals.robust.found += sum.robust.found;
      totals.robust.falseAlerts += sum.robust.falseAlerts;
      totals.naive.found += sum.naive.found;
      totals.naive.falseAlerts += sum.naive.falseAlerts;
    }
    rows.push(
      `| **all** | ${totals.injected} | ${totals.robust.found} | ${totals.robust.falseAlerts} | ${totals.naive.found} | ${totals.naive.falseAlerts} | ${totals.clean} |`,
    );
    const kindRows = [
      "| injected kind | days | found (robust) | found (mean ± 3σ) |",
      "| --- | ---: | ---: | ---: |",
      ...[...byKind].map(
        ([kind, tally]) => `| ${kind} | ${tally.injected} | ${tally.robust} | ${tally.naive} |`,
      ),
    ];
    console.log(
      `\nDetection quality, ${SEEDS.length} seeds × ${SPECS.length} series × ${DAYS} days (judged from day 70):\n\n${rows.join("\n")}\n\n${kindRows.join("\n")}\n`,
    );
    assert.deepEqual(failures, []);
    assert.equal(totals.robust.found, totals.injected, "every injected anomalous day is found");
    assert.ok(totals.robust.falseAlerts <= totals.clean / 30, "at most one false alert per 30 clean days");
    assert.ok(
      totals.naive.found < totals.robust.found,
      "the naive detector misses anomalies the robust one finds",
    );
    // The numbers the README's Checks section quotes (the series are seeded, so they are exact): change them
    // there when a change to the detector or the generator moves them.
    assert.deepEqual(
      {
        injected: totals.injected,
        found: totals.robust.found,
        falseAlerts: totals.robust.falseAlerts,
        clean: totals.clean,
        naiveFound: totals.naive.found,
        stale: byKind.get("stale")?.injected,
        staleNaiveFound: byKind.get("stale")?.naive,
      },
      {
        injected: 270,
        found: 270,
        falseAlerts: 2,
        clean: 5022,
        naiveFound: 168,
        stale: 120,
        staleNaiveFound: 120 - 78,
      },
    );
  });
});
