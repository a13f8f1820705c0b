import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { asOfTime, judgeFreshness } from "../../functions/check-sources/freshness.ts";

const thresholds = { warnAfterHours: 24, criticalAfterHours: 48 };
const asOf = new Date("2026-11-22T06:00:00Z");

describe("freshness", () => {
  it("is ok when the run date itself has data and it was loaded overnight", () => {
    const verdict = judgeFreshness(
      { runDate: "2026-11-21", lastEventDate: "2026-11-21", lastLoadedAt: "2026-11-22T04:00:00Z", asOf },
      thresholds,
    );
    assert.equal(verdict.status, "ok");
    assert.equal(verdict.lagDays, 0);
    assert.equal(verdict.loadAgeHours, 2);
  });

  it("has no lag, not a negative one, on a run for a day before the newest data (a report on an older date)", () => {
    const verdict = judgeFreshness(
      { runDate: "2026-11-19", lastEventDate: "2026-11-21", lastLoadedAt: "2026-11-22T04:00:00Z", asOf },
      thresholds,
    );
    assert.equal(verdict.status, "ok");
    assert.equal(verdict.lagDays, 0);
  });

  it("warns at one day behind and is critical beyond two", () => {
    const day = (lastEventDate: string) =>
      judgeFreshness({ runDate: "2026-11-21", lastEventDate, lastLoadedAt: null, asOf }, thresholds).status;
    assert.equal(day("2026-11-20"), "warn");
    assert.equal(day("2026-11-19"), "warn");
    assert.equal(day("2026-11-18"), "critical");
    assert.equal(day("2026-11-16"), "critical");
  });

  it("catches data loaded on time that stops at an old day, and data that stopped loading", () => {
    const stuckLoad = judgeFreshness(
      { runDate: "2026-11-21", lastEventDate: "2026-11-21", lastLoadedAt: "2026-11-19T04:00:00Z", asOf },
      thresholds,
    );
    assert.equal(stuckLoad.status, "critical");
  });

  it("treats a source with no data as critical", () => {
    assert.equal(
      judgeFreshness({ runDate: "2026-11-21", lastEventDate: null, lastLoadedAt: null, asOf }, thresholds)
        .status,
      "critical",
    );
  });

  it("honours per-source thresholds", () => {
    const weekly = { warnAfterHours: 24 * 7, criticalAfterHours: 24 * 14 };
    assert.equal(
      judgeFreshness({ runDate: "2026-11-21", lastEventDate: "2026-11-18", lastLoadedAt: null, asOf }, weekly)
        .status,
      "ok",
    );
  });
});

describe("asOfTime: when the run looks at the sources, in the shop's zone", () => {
  it("is the time a Los Angeles shop's scheduled run reads the data: a load 47 hours old warns", () => {
    // The default schedule, 07:00 UTC on 23 Nov, is 23:00 on 22 Nov in Los Angeles (PST, UTC−8): yesterday there is
    // the 21st. The last load, 08:00 UTC on the 21st, is 47 hours before the run.
    const now = new Date("2026-11-23T07:00:00Z");
    const asOf = asOfTime("2026-11-21", "America/Los_Angeles", now);
    assert.equal(asOf.toISOString(), "2026-11-23T07:00:00.000Z");
    const verdict = judgeFreshness(
      { runDate: "2026-11-21", lastEventDate: "2026-11-21", lastLoadedAt: "2026-11-21T08:00:00Z", asOf },
      thresholds,
    );
    assert.equal(verdict.loadAgeHours, 47);
    assert.equal(verdict.status, "warn");
  });

  it("is the time an Auckland shop's scheduled run reads the data, a calendar day ahead of UTC", () => {
    // 07:00 UTC on 22 Nov is 20:00 on 22 Nov in Auckland (NZDT, UTC+13): yesterday there is the 21st.
    const now = new Date("2026-11-22T07:00:00Z");
    assert.equal(asOfTime("2026-11-21", "Pacific/Auckland", now).toISOString(), "2026-11-22T07:00:00.000Z");
  });

  it("is 06:00 the morning after, in the shop's zone, for a run of an older day (a backfill)", () => {
    const now = new Date("2026-12-06T09:00:00Z");
    // 06:00 on 22 Nov in Los Angeles is 14:00 UTC; in Auckland 06:00 on 22 Nov is 17:00 UTC on the 21st.
    assert.equal(
      asOfTime("2026-11-21", "America/Los_Angeles", now).toISOString(),
      "2026-11-22T14:00:00.000Z",
    );
    assert.equal(asOfTime("2026-11-21", "Pacific/Auckland", now).toISOString(), "2026-11-21T17:00:00.000Z");
    assert.equal(asOfTime("2026-11-21", "UTC", now).toISOString(), "2026-11-22T06:00:00.000Z");
  });

  it("takes the morning after in the zone's summer time too (New York, EDT, UTC−4)", () => {
    const now = new Date("2026-12-06T09:00:00Z");
    assert.equal(asOfTime("2026-07-03", "America/New_York", now).toISOString(), "2026-07-04T10:00:00.000Z");
  });
});
