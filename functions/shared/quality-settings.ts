// Settings of the two check steps (check-sources and check-quality): thresholds, anomaly-detection sensitivity
// and per-source overrides, set under `quality` in the settings file (functions/shared/settings-file.ts) and
// validated with the rest of the configuration. Every field has a default, so an empty object (or no `quality`
// key at all) gives the documented behaviour. Unknown keys are errors: a misspelt setting must not be ignored.
import { z } from "zod";
import type { AnomalyOptions } from "../lib/quality/anomaly.ts";
import { DEFAULT_LAST_YEAR_TOLERANCE } from "../lib/quality/last-year.ts";
import type { SourceName } from "./raw-schemas.ts";
import { SOURCES } from "./sources.ts";

const share = z.number().min(0).max(1);

/** Overrides for one source (by source name: shopify, facebook_ads, tiktok_ads, google_ads). */
const SourceSettingsSchema = z.strictObject({
  /** Set false for a source the shop does not use, so its absence is not reported every morning. */
  expected: z.boolean().default(true),
  warnAfterHours: z.number().positive().optional(),
  criticalAfterHours: z.number().positive().optional(),
  /** Rows-landed anomalies need at least this many rows of change (tiny sources do not alert on noise). */
  volumeMinAbsoluteChange: z.number().min(0).optional(),
  volumeSensitivity: z.number().positive().optional(),
});

const AnomalySettingsSchema = z.strictObject({
  /** Robust standard deviations (1.4826 × MAD) a value may stray before it is an anomaly; lower = more alerts. */
  sensitivity: z.number().positive().default(3.5),
  /** Same-weekday weeks of history each day is compared with. */
  trainingWeeks: z.number().int().min(2).max(52).default(8),
  /** Fewer same-weekday points than this: no verdict ("not enough history"), never a guess. */
  minTrainingPoints: z.number().int().min(2).default(4),
  /** Days judged together; they are kept out of their own training window. */
  detectionWindowDays: z.number().int().min(1).max(28).default(7),
  /**
   * A change under this share of the expected value is never an anomaly. Ad budgets are moved by a quarter
   * on purpose (a new month, the end of a summer trim), so spend needs a bigger change than sales do.
   */
  minRelativeChange: z
    .strictObject({
      revenue: share.default(0.2),
      orders: share.default(0.2),
      aov: share.default(0.2),
      adSpend: share.default(0.3),
      rowsLanded: share.default(0.2),
      nullRate: share.default(0.2),
    })
    .prefault({}),
  /** A change under these absolute amounts is never an anomaly (money in the shop's currency). */
  minAbsoluteChange: z
    .strictObject({
      revenue: z.number().min(0).default(250),
      orders: z.number().min(0).default(10),
      aov: z.number().min(0).default(5),
      adSpend: z.number().min(0).default(50),
      rowsLanded: z.number().min(0).default(10),
      /** For NULL-rate profiles: percentage points as a share (0.02 = 2 points). */
      nullRate: share.default(0.02),
    })
    .prefault({}),
  /** A drop of revenue or orders by at least this share of the usual level is critical, not a warning. */
  criticalDropShare: share.default(0.5),
  /**
   * Same period last year: an anomalous day whose comparable day last year (the same day of the same retail
   * event, else the same weekday 52 weeks back) moved the same way by at least (1 − this) as much, each against
   * its own 28-day median, is reported as "in line with last year" for information, not as an anomaly.
   */
  lastYearTolerance: share.default(DEFAULT_LAST_YEAR_TOLERANCE),
});

export const QualitySettingsSchema = z.strictObject({
  /** Defaults for every source; per-source overrides in `sources`. */
  freshness: z
    .strictObject({
      warnAfterHours: z.number().positive().default(24),
      criticalAfterHours: z.number().positive().default(48),
    })
    .prefault({}),
  /** By source name; a name that is not a source is an error, not a silently ignored override. */
  sources: z
    .partialRecord(
      z.enum(SOURCES.map((source) => source.name) as [SourceName, ...SourceName[]]),
      SourceSettingsSchema,
    )
    .default({}),
  volume: z
    .strictObject({
      /** A day's rows count as landed on time when loaded within this many hours of the day's start (UTC). */
      landedWithinHours: z.number().positive().default(48),
      /**
       * More rows than usual is only reported from this share up (0.5 = +50%): a batch landed twice doubles a
       * day, while a busy day before a sale adds 20–30% that is real.
       */
      spikeMinRelativeChange: z.number().min(0).default(0.5),
    })
    .prefault({}),
  anomaly: AnomalySettingsSchema.prefault({}),
  attribution: z
    .strictObject({
      /** Days up to the run date looked at for spend without attributed revenue, and for coverage. */
      windowDays: z.number().int().min(1).max(28).default(7),
      /**
       * How UTM coverage (the share of orders with a UTM source) is judged:
       * - "history" (default): against the shop's own coverage in the weeks before, alerting when it falls by
       *   more than `maxCoverageDrop`. A shop where 70% of orders are direct or organic has 30% coverage every
       *   day, and a fixed 90% bar would alert every morning.
       * - "threshold": the fixed bar, alerting whenever coverage is under `coverageThreshold`.
       */
      coverageMode: z.enum(["history", "threshold"]).default("history"),
      coverageThreshold: share.default(0.9),
      /** In "history" mode: a fall of more than this many points (as a share) alerts. */
      maxCoverageDrop: share.default(0.05),
      /** Fewer orders than this in the window: coverage is not judged (a handful of orders says nothing). */
      minOrders: z.number().int().min(1).default(50),
    })
    .prefault({}),
  fileDrops: z
    .strictObject({
      /** Share of a run's file-drop rows sent to quarantine above which a warning is raised. */
      maxRejectRate: share.default(0.05),
    })
    .prefault({}),
  /** Duplicate raw batches are looked for over this many days before the run date. */
  duplicateWindowDays: z.number().int().min(1).max(365).default(35),
});

export type QualitySettings = z.infer<typeof QualitySettingsSchema>;
export type SourceSettings = z.infer<typeof SourceSettingsSchema>;

export const DEFAULT_QUALITY_SETTINGS: QualitySettings = QualitySettingsSchema.parse({});

export type AnomalyMetricKind = keyof QualitySettings["anomaly"]["minAbsoluteChange"];

/** Detector options for one kind of series, from the settings. */
export function anomalyOptionsFor(
  settings: QualitySettings,
  kind: AnomalyMetricKind,
  overrides: Partial<AnomalyOptions> = {},
): Partial<AnomalyOptions> {
  const { anomaly } = settings;
  return {
    sensitivity: anomaly.sensitivity,
    trainingCycles: anomaly.trainingWeeks,
    minTrainingPoints: anomaly.minTrainingPoints,
    detectionWindowDays: anomaly.detectionWindowDays,
    minRelativeChange: anomaly.minRelativeChange[kind],
    minAbsoluteChange: anomaly.minAbsoluteChange[kind],
    seasonDays: 7,
    ...overrides,
  };
}

export interface ResolvedFreshness {
  warnAfterHours: number;
  criticalAfterHours: number;
}

/** Freshness thresholds for a source: its own (`sources.<name>`), else the defaults (`freshness`: 24 h / 48 h). */
export function freshnessFor(settings: QualitySettings, source: SourceName): ResolvedFreshness {
  const own = settings.sources[source];
  return {
    warnAfterHours: own?.warnAfterHours ?? settings.freshness.warnAfterHours,
    criticalAfterHours: own?.criticalAfterHours ?? settings.freshness.criticalAfterHours,
  };
}

/** The window of daily history a detector needs: the training weeks plus the detection window. */
export function historyDays(settings: QualitySettings): number {
  const { trainingWeeks, detectionWindowDays } = settings.anomaly;
  return (trainingWeeks + Math.ceil(detectionWindowDays / 7)) * 7 + 7;
}
