// What the deck and the email say about a period the data starts inside of, or before: the words are written
// out here by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { baseGapReason, coveredRange, dataStartNote } from "../../../functions/lib/reporting/completeness.ts";

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
