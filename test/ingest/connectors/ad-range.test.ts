// Which days an ads connector pulls (README, Connectors: "re-pull their lookbackDays … plus any days since their
// last successful pull (at most 90 days in one run)"). The expected ranges are counted by hand on the calendar.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adPullRange } from "../../../functions/ingest/connectors/ad-range.ts";

const RUN_DATE = "2026-11-21";

describe("an ads connector's pull range", () => {
  it("is the look-back ending on the run date, on a first run and on a run the day after the last pull", () => {
    // 28 days ending 21 Nov: 21 days of November and 25–31 October.
    assert.deepEqual(adPullRange(RUN_DATE, 28), { startDate: "2026-10-25", endDate: RUN_DATE, days: 28 });
    assert.deepEqual(adPullRange(RUN_DATE, 28, "2026-11-20"), {
      startDate: "2026-10-25",
      endDate: RUN_DATE,
      days: 28,
    });
    assert.deepEqual(adPullRange(RUN_DATE, 7, "2026-11-20"), {
      startDate: "2026-11-15",
      endDate: RUN_DATE,
      days: 7,
    });
  });

  it("reaches back to the day after the last successful pull when that is before the look-back", () => {
    // Last pulled through 1 Oct: 2–31 October (30 days) and 1–21 November (21 days).
    assert.deepEqual(adPullRange(RUN_DATE, 28, "2026-10-01"), {
      startDate: "2026-10-02",
      endDate: RUN_DATE,
      days: 51,
    });
  });

  it("pulls at most 90 days in one run, however long the connector was off", () => {
    // 90 days ending 21 Nov: 21 of November, 31 of October, 30 of September and 24–31 August (8).
    assert.deepEqual(adPullRange(RUN_DATE, 28, "2026-01-01"), {
      startDate: "2026-08-24",
      endDate: RUN_DATE,
      days: 90,
    });
  });
});
