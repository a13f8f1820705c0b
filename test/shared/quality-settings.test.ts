import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  anomalyOptionsFor,
  DEFAULT_QUALITY_SETTINGS,
  freshnessFor,
  QualitySettingsSchema,
} from "../../functions/shared/quality-settings.ts";

describe("quality settings", () => {
  it("defaults every field, so a configuration without a quality key works", () => {
    assert.deepEqual(QualitySettingsSchema.parse({}), DEFAULT_QUALITY_SETTINGS);
    assert.equal(DEFAULT_QUALITY_SETTINGS.anomaly.sensitivity, 3.5);
    assert.equal(DEFAULT_QUALITY_SETTINGS.attribution.coverageThreshold, 0.9);
    assert.equal(DEFAULT_QUALITY_SETTINGS.attribution.coverageMode, "history");
    assert.equal(DEFAULT_QUALITY_SETTINGS.fileDrops.maxRejectRate, 0.05);
    assert.deepEqual(DEFAULT_QUALITY_SETTINGS.freshness, { warnAfterHours: 24, criticalAfterHours: 48 });
  });

  it("has the defaults the README's Checks and anomaly detection section gives", () => {
    // Written out from the README's settings table and its Settings paragraph, not from the schema.
    const { anomaly, attribution, volume, fileDrops, freshness } = DEFAULT_QUALITY_SETTINGS;
    assert.equal(anomaly.sensitivity, 3.5);
    assert.equal(anomaly.trainingWeeks, 8);
    assert.equal(anomaly.minTrainingPoints, 4);
    assert.equal(anomaly.detectionWindowDays, 7);
    assert.deepEqual(anomaly.minRelativeChange, {
      revenue: 0.2,
      orders: 0.2,
      aov: 0.2,
      adSpend: 0.3,
      rowsLanded: 0.2,
      nullRate: 0.2,
    });
    assert.deepEqual(anomaly.minAbsoluteChange, {
      revenue: 250,
      orders: 10,
      aov: 5,
      adSpend: 50,
      rowsLanded: 10,
      nullRate: 0.02,
    });
    assert.equal(anomaly.criticalDropShare, 0.5);
    assert.equal(anomaly.lastYearTolerance, 0.25);
    assert.deepEqual(freshness, { warnAfterHours: 24, criticalAfterHours: 48 });
    assert.equal(attribution.windowDays, 7);
    assert.equal(attribution.coverageMode, "history");
    assert.equal(attribution.coverageThreshold, 0.9);
    assert.equal(attribution.maxCoverageDrop, 0.05);
    assert.equal(fileDrops.maxRejectRate, 0.05);
    assert.equal(volume.landedWithinHours, 48);
    // The README's example: a source the shop does not use, everything else at its default.
    const example = QualitySettingsSchema.parse({ sources: { tiktok_ads: { expected: false } } });
    assert.deepEqual({ ...example, sources: {} }, DEFAULT_QUALITY_SETTINGS);
  });

  it("keeps defaults for what the settings leave out, and rejects nonsense and unknown keys", () => {
    const settings = QualitySettingsSchema.parse({
      anomaly: { sensitivity: 5, minAbsoluteChange: { orders: 3 } },
      sources: { tiktok_ads: { expected: false } },
    });
    assert.equal(settings.anomaly.sensitivity, 5);
    assert.equal(settings.anomaly.minAbsoluteChange.orders, 3);
    assert.equal(settings.anomaly.minAbsoluteChange.revenue, 250);
    assert.equal(settings.sources.tiktok_ads?.expected, false);
    assert.deepEqual(anomalyOptionsFor(settings, "orders"), {
      sensitivity: 5,
      trainingCycles: 8,
      minTrainingPoints: 4,
      detectionWindowDays: 7,
      minRelativeChange: 0.2,
      minAbsoluteChange: 3,
      seasonDays: 7,
    });
    assert.equal(QualitySettingsSchema.safeParse({ anomaly: { sensitivity: -1 } }).success, false);
    assert.equal(QualitySettingsSchema.safeParse({ anomaly: { sensitivty: 2 } }).success, false);
    assert.equal(
      QualitySettingsSchema.safeParse({ sources: { tiktok: { expected: false } } }).success,
      false,
    );
  });

  it("takes freshness thresholds per source, else the defaults (24 h / 48 h unless set)", () => {
    const settings = QualitySettingsSchema.parse({
      freshness: { criticalAfterHours: 72 },
      sources: { google_ads: { warnAfterHours: 36 } },
    });
    assert.deepEqual(freshnessFor(settings, "shopify"), { warnAfterHours: 24, criticalAfterHours: 72 });
    assert.deepEqual(freshnessFor(settings, "google_ads"), { warnAfterHours: 36, criticalAfterHours: 72 });
  });
});
