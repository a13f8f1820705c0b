// What the deck and the email say about a period the data starts inside of, or before: the words are written
// out here by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import {
  baseGapReason,
  coveredRange,
  dataStartNote,
  missingSourcesCaveat,
} from "../../../functions/lib/reporting/completeness.ts";
import { buildReportData, RUN_DATE } from "../../report/report-data-fixture.ts";

describe("where the data starts", () => {
  const november = { from: "2026-11-01", to: "2026-11-30" };
  const october = { from: "2026-10-01", to: "2026-10-30" };

  it("labels a period the data starts inside of by the days it covers, and says since when", () => {
    const partial = { kind: "partial", dataFrom: "2026-11-28" } as const;
    assert.equal(dataStartNote(partial, "en-US"), "since 28 Nov, the first day of data");
    assert.deepEqual(coveredRange(november, partial), { from: "2026-11-28", to: "2026-11-30" });
    const full = { kind: "full", dataFrom: "2025-10-01" } as const;
    assert.equal(dataStartNote(full, "en-US"), "");
    assert.deepEqual(coveredRange(november, full), november);
  });

  it("gives a base's reason for n/a: no data at all, or not like for like when the data starts partway", () => {
    assert.equal(
      baseGapReason({ kind: "none", dataFrom: "2026-11-28" }, october, "en-US"),
      "no data for 1–30 Oct 2026",
    );
    assert.equal(
      baseGapReason({ kind: "none", dataFrom: null }, october, "en-US"),
      "no data for 1–30 Oct 2026",
    );
    assert.equal(
      baseGapReason({ kind: "partial", dataFrom: "2026-10-15" }, october, "en-US"),
      "1–30 Oct 2026 is not like for like: the data starts 15 Oct 2026",
    );
    assert.equal(baseGapReason({ kind: "full", dataFrom: "2026-01-01" }, october, "en-US"), "");
  });
});

describe("the sources a figure excludes", () => {
  // Meta missing on five days between two exports that none covers, and landed since: through the run date.
  const gapFrom = addDays(RUN_DATE, -10);
  const gapTo = addDays(RUN_DATE, -6);
  const withGap = () => {
    const data = buildReportData();
    for (const row of data.daily) {
      if (row.date >= gapFrom && row.date <= gapTo) {
        row.is_complete = false;
        row.missing_sources = "facebook_ads";
      }
    }
    return data;
  };

  it("names the days a source is missing on between days it landed, not a day since which it has none", () => {
    const data = withGap();
    // Written out by hand: the 11th to the 15th of November 2026 (RUN_DATE is the 21st).
    assert.equal(RUN_DATE, "2026-11-21");
    assert.equal(
      missingSourcesCaveat(data.daily, ["facebook_ads"], RUN_DATE, "en-US"),
      "excludes Meta: no data for 11–15 Nov 2026",
    );
    // Seen from a day inside the gap, the source has had no data since the day before it.
    assert.equal(
      missingSourcesCaveat(data.daily, ["facebook_ads"], "2026-11-13", "en-US"),
      "excludes Meta: no data since Tue 10 Nov",
    );
  });
});
