import { test } from "node:test";
import assert from "node:assert/strict";
import {
  comparableDayLastYear,
  easterSunday,
  eventsBetween,
  eventsOn,
  retailEvents,
} from "../../functions/lib/retail-calendar.ts";

// Expected dates come from published calendars, not from the code: US Thanksgiving 2024-11-28, 2025-11-27,
// 2026-11-26; Easter 2024-03-31, 2025-04-20, 2026-04-05; UK Mothering Sunday 2025-03-30; US Mother's Day
// 2025-05-11; France's Fête des mères 2024-05-26 and 2038-05-30.
test("Black Friday weekend runs from Thanksgiving Thursday to Cyber Monday", () => {
  const bfcm = (year: number) => retailEvents("US", year).find((event) => event.key === "bfcm");
  assert.deepEqual([bfcm(2024)?.start, bfcm(2024)?.end], ["2024-11-28", "2024-12-02"]);
  assert.deepEqual([bfcm(2025)?.start, bfcm(2025)?.end], ["2025-11-27", "2025-12-01"]);
  assert.deepEqual([bfcm(2026)?.start, bfcm(2026)?.end], ["2026-11-26", "2026-11-30"]);
});

test("Easter and the Mother's Days of several markets", () => {
  assert.deepEqual(
    [easterSunday(2024), easterSunday(2025), easterSunday(2026)],
    ["2024-03-31", "2025-04-20", "2026-04-05"],
  );
  const day = (country: string, year: number) =>
    retailEvents(country, year).find((event) => event.key === "mothers-day")?.start;
  assert.equal(day("US", 2025), "2025-05-11");
  assert.equal(day("GB", 2025), "2025-03-30");
  assert.equal(day("FR", 2024), "2024-05-26");
  // 2038: Easter is 2038-04-25, so Pentecost is 2038-06-13 and the last Sunday of May (05-30) stands.
  assert.equal(day("FR", 2038), "2038-05-30");
});

test("a market's calendar holds only its own holidays", () => {
  assert.ok(retailEvents("US", 2026).some((event) => event.key === "independence-day"));
  assert.ok(!retailEvents("GB", 2026).some((event) => event.key === "independence-day"));
  assert.ok(retailEvents("GB", 2026).some((event) => event.key === "boxing-day"));
  assert.ok(
    retailEvents("BR", 2026).some((event) => event.key === "bfcm"),
    "every market gets the shared events",
  );
});

test("the Sunday of Black Friday weekend compares with last year's Sunday of that weekend", () => {
  // 2026-11-29 is the Sunday of the 2026 weekend and 2025-11-30 the Sunday of 2025's. Where the two rules differ:
  // Black Friday 2030 is 11-29 and 2029's was 11-23, while 364 days before 2030-11-29 is 2029-11-30, a week late.
  assert.deepEqual(comparableDayLastYear("US", "2030-11-29").date, "2029-11-23");
  assert.equal(comparableDayLastYear("US", "2030-11-29").event?.key, "bfcm");
  assert.equal(comparableDayLastYear("US", "2026-11-29").date, "2025-11-30");
  // An ordinary day: the same weekday 52 weeks earlier.
  assert.deepEqual(comparableDayLastYear("US", "2026-10-14"), { date: "2025-10-15" });
});

test("events overlapping a month, and the events of a day", () => {
  const november = eventsBetween("US", "2026-11-01", "2026-11-30").map((event) => event.key);
  assert.deepEqual(november, ["singles-day", "bfcm"]);
  assert.deepEqual(
    eventsOn("US", "2026-12-01").map((event) => event.key),
    [],
  );
  assert.deepEqual(
    eventsOn("GB", "2026-12-26").map((event) => event.key),
    ["boxing-day"],
  );
});
