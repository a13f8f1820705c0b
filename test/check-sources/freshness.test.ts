import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { judgeFreshness } from "../../functions/check-sources/freshness.ts";

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
