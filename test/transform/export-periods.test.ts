// The ad exports' periods as unified.source_coverage reads them: each platform's overlapping and adjacent periods
// joined into the fewest ranges, so that a shop dropping an export a day binds one range, not one a day.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exportPeriodsParam, mergeExportPeriods } from "../../functions/transform/export-periods.ts";

describe("ad export periods", () => {
  it("joins overlapping and adjacent periods of a platform, and keeps a gap and other platforms apart", () => {
    const merged = mergeExportPeriods([
      { source: "facebook_ads", start: "2026-11-16", end: "2026-11-20" },
      { source: "facebook_ads", start: "2026-11-01", end: "2026-11-03" },
      { source: "facebook_ads", start: "2026-11-02", end: "2026-11-05" },
      { source: "facebook_ads", start: "2026-11-06", end: "2026-11-06" },
      { source: "google_ads", start: "2026-11-07", end: "2026-11-07" },
      { source: "facebook_ads", start: "2026-11-18", end: "2026-11-19" },
    ]);
    assert.deepEqual(merged, [
      { source: "facebook_ads", start: "2026-11-01", end: "2026-11-06" },
      { source: "facebook_ads", start: "2026-11-16", end: "2026-11-20" },
      { source: "google_ads", start: "2026-11-07", end: "2026-11-07" },
    ]);
    assert.equal(
      exportPeriodsParam(merged.slice(2)),
      '[{"source":"google_ads","start":"2026-11-07","end":"2026-11-07"}]',
    );
    assert.deepEqual(mergeExportPeriods([]), []);
  });
});
