// localDate keeps one formatter per time zone: asked for several zones in turn, each answer is still its own zone's
// day, at the edges of days, of a DST change and of zones whose offsets are not whole hours.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { localDate } from "../../functions/lib/calendar.ts";

// Instants and the days they fall on, from each zone's published UTC offset at that instant.
const CASES: readonly [string, string, string][] = [
  // New York is UTC−5 until 2026-03-08 07:00 UTC (02:00 EST), then UTC−4.
  ["2026-03-08T04:59:59Z", "America/New_York", "2026-03-07"],
  ["2026-03-08T05:00:00Z", "America/New_York", "2026-03-08"],
  ["2026-03-09T03:59:59Z", "America/New_York", "2026-03-08"],
  ["2026-03-09T04:00:00Z", "America/New_York", "2026-03-09"],
  // Kathmandu is UTC+5:45: its day starts at 18:15 UTC.
  ["2026-11-20T18:14:59Z", "Asia/Kathmandu", "2026-11-20"],
  ["2026-11-20T18:15:00Z", "Asia/Kathmandu", "2026-11-21"],
  // Kiritimati is UTC+14, Pago Pago UTC−11: the same instant, two days apart.
  ["2026-11-20T10:00:00Z", "Pacific/Kiritimati", "2026-11-21"],
  ["2026-11-20T10:00:00Z", "Pacific/Pago_Pago", "2026-11-19"],
  ["2026-11-20T10:00:00Z", "UTC", "2026-11-20"],
];

describe("localDate", () => {
  it("gives each zone's own day, with zones asked in turn", () => {
    for (let round = 0; round < 3; round++) {
      for (const [instant, zone, day] of round % 2 ? [...CASES].reverse() : CASES) {
        assert.equal(localDate(new Date(instant), zone), day, `${instant} in ${zone}`);
      }
    }
  });
});
