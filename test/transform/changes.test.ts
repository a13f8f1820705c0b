// The late days a warm run rebuilds are joined into ranges before the models run over them: days at most 7 apart
// make one range, and more than 6 ranges become one from the first day to the last (the README's "gaps up to 7
// days; more than 6 ranges become one"). The boundaries are pinned here; the rebuild itself is in
// test/sql/late-changes.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../functions/lib/calendar.ts";
import { dayRanges } from "../../functions/transform/changes.ts";

describe("dayRanges", () => {
  it("joins days 7 apart into one range and keeps days 8 apart apart", () => {
    assert.deepEqual(dayRanges(["2026-01-08", "2026-01-01"]), [{ start: "2026-01-01", end: "2026-01-08" }]);
    assert.deepEqual(dayRanges(["2026-01-01", "2026-01-09"]), [
      { start: "2026-01-01", end: "2026-01-01" },
      { start: "2026-01-09", end: "2026-01-09" },
    ]);
  });

  it("chains the gap from the range's last day, and counts a day twice once", () => {
    assert.deepEqual(dayRanges(["2026-01-01", "2026-01-08", "2026-01-15", "2026-01-15"]), [
      { start: "2026-01-01", end: "2026-01-15" },
    ]);
  });

  it("keeps 6 ranges, and makes 7 one range from the first day to the last", () => {
    const days = (count: number) =>
      Array.from({ length: count }, (_, index) => addDays("2026-01-01", index * 9));
    assert.deepEqual(
      dayRanges(days(6)),
      days(6).map((day) => ({ start: day, end: day })),
    );
    assert.deepEqual(dayRanges(days(7)), [{ start: "2026-01-01", end: days(7).at(-1) }]);
  });

  it("has no range for no day", () => {
    assert.deepEqual(dayRanges([]), []);
  });
});
