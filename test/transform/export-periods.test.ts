// The ad exports' periods: each platform's overlapping and adjacent periods joined into the fewest ranges, and the
// gaps between them that unified.source_coverage reads, so that a shop dropping an export a day binds no gap.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  coverageGapsParam,
  exportGaps,
  exportGapsParam,
  mergeExportPeriods,
} from "../../functions/transform/export-periods.ts";

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
    assert.deepEqual(mergeExportPeriods([]), []);
  });

  it("the gaps are the days between a platform's merged periods, none across platforms", () => {
    const merged = [
      { source: "facebook_ads", start: "2026-11-01", end: "2026-11-06" },
      { source: "facebook_ads", start: "2026-11-16", end: "2026-11-20" },
      { source: "facebook_ads", start: "2026-11-22", end: "2026-11-30" },
      { source: "google_ads", start: "2026-11-07", end: "2026-11-07" },
      { source: "tiktok_ads", start: "2026-12-01", end: "2026-12-02" },
    ];
    assert.deepEqual(exportGaps(merged), [
      { source: "facebook_ads", start: "2026-11-07", end: "2026-11-15" },
      { source: "facebook_ads", start: "2026-11-21", end: "2026-11-21" },
    ]);
    assert.equal(
      exportGapsParam(merged.slice(1, 3)),
      '[{"source":"facebook_ads","start":"2026-11-21","end":"2026-11-21"}]',
    );
    assert.equal(exportGapsParam([]), "[]");
  });

  it("adds the days a connector still owes each account, as ranges per account beside the exports' gaps", () => {
    const exports = [
      { source: "facebook_ads", start: "2026-11-01", end: "2026-11-06" },
      { source: "facebook_ads", start: "2026-11-16", end: "2026-11-20" },
    ];
    const owed = [
      // Account 2 owes two overlapping spans and one next to them; account 1 owes days in the exports' gap (7–15
      // November), which stay its own: only its rows land them.
      { source: "facebook_ads", account: "2", start: "2026-05-20", end: "2026-06-02" },
      { source: "facebook_ads", account: "2", start: "2026-05-06", end: "2026-05-25" },
      { source: "facebook_ads", account: "2", start: "2026-06-03", end: "2026-06-05" },
      { source: "facebook_ads", account: "1", start: "2026-11-10", end: "2026-11-12" },
      { source: "tiktok_ads", account: "9", start: "2026-05-06", end: "2026-05-25" },
    ];
    assert.deepEqual(JSON.parse(coverageGapsParam(exports, owed)), [
      { source: "facebook_ads", start: "2026-11-07", end: "2026-11-15" },
      { source: "facebook_ads", account: "1", start: "2026-11-10", end: "2026-11-12" },
      { source: "facebook_ads", account: "2", start: "2026-05-06", end: "2026-06-05" },
      { source: "tiktok_ads", account: "9", start: "2026-05-06", end: "2026-05-25" },
    ]);
    assert.equal(coverageGapsParam(exports, []), exportGapsParam(exports));
  });
});
