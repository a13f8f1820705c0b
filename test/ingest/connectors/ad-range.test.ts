// Which days an ads connector pulls (docs/connectors.md: "re-pull their lookbackDays … plus any days since their
// last successful pull (at most 90 days in one run)"). The expected ranges are counted by hand on the calendar.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  adPullRange,
  nextHistoryRange,
  planAccountPull,
} from "../../../functions/ingest/connectors/ad-range.ts";

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

  it("owes a first run's initialDays beyond its two ranges, and pulls the newest of what is owed first", () => {
    // 400 days back from 21 November 2026: from 18 October 2025. The newest 90 days (24 August on), then 26 May –
    // 23 August; 18 October 2025 – 25 May 2026 (220 days) is owed.
    const plan = planAccountPull(RUN_DATE, { lookbackDays: 28, initialDays: 400 });
    assert.deepEqual(plan.recent, { startDate: "2026-08-24", endDate: RUN_DATE, days: 90 });
    assert.deepEqual(plan.history, { startDate: "2026-05-26", endDate: "2026-08-23", days: 90 });
    assert.equal(plan.historyFrom, "2025-10-18");
    assert.deepEqual(plan.owedAfterHistory, [{ startDate: "2025-10-18", endDate: "2026-05-25" }]);
    // The next day: its look-back, then the 90 days before 26 May (25 February – 25 May).
    const next = planAccountPull(
      "2026-11-22",
      { lookbackDays: 28, initialDays: 400 },
      {
        pulledThrough: RUN_DATE,
        pulledAt: "2026-11-21T23:30:00Z",
        historyFrom: plan.historyFrom,
        owed: plan.owedAfterHistory,
      },
    );
    assert.deepEqual(next.recent, { startDate: "2026-10-26", endDate: "2026-11-22", days: 28 });
    assert.deepEqual(next.history, { startDate: "2026-02-25", endDate: "2026-05-25", days: 90 });
    assert.deepEqual(next.owedAfterHistory, [{ startDate: "2025-10-18", endDate: "2026-02-24" }]);
  });

  it("owes the days a longer initialDays adds, and nothing to a cursor from before history was pulled", () => {
    const cursor = { pulledThrough: "2026-11-20", pulledAt: "2026-11-20T23:30:00Z" };
    // Without historyFrom: the history starts where initialDays reaches today, and nothing is owed.
    const old = planAccountPull(RUN_DATE, { lookbackDays: 28, initialDays: 60 }, cursor);
    assert.equal(old.history, undefined);
    assert.equal(old.historyFrom, "2026-09-23");
    // Raised from 60 days (from 23 September) to 100 (from 14 August): 14 August – 22 September is owed and pulled.
    const raised = planAccountPull(
      RUN_DATE,
      { lookbackDays: 28, initialDays: 100 },
      {
        ...cursor,
        historyFrom: "2026-09-23",
        owed: [],
      },
    );
    assert.equal(raised.historyFrom, "2026-08-14");
    assert.deepEqual(raised.history, { startDate: "2026-08-14", endDate: "2026-09-22", days: 40 });
    assert.deepEqual(raised.owedAfterHistory, []);
  });
  it("cancels the owed days a shorter initialDays no longer reaches, and keeps the history's first day from run to run", () => {
    // A first run on 21 November with 1,095 days (from 23 November 2023): the newest 180 days pulled, 23 November
    // 2023 – 25 May 2026 owed.
    const first = planAccountPull(RUN_DATE, { lookbackDays: 28, initialDays: 1095 });
    assert.equal(first.historyFrom, "2023-11-23");
    assert.deepEqual(first.owedAfterHistory, [{ startDate: "2023-11-23", endDate: "2026-05-25" }]);
    const cursor = {
      pulledThrough: RUN_DATE,
      pulledAt: "2026-11-21T23:30:00Z",
      historyFrom: first.historyFrom,
      initialDays: first.initialDays,
      owed: first.owedAfterHistory,
    };
    // The next day, the same setting: the history still starts on 23 November 2023 (not a day later).
    const same = planAccountPull("2026-11-22", { lookbackDays: 28, initialDays: 1095 }, cursor);
    assert.equal(same.historyFrom, "2023-11-23");
    assert.deepEqual(same.history, { startDate: "2026-02-25", endDate: "2026-05-25", days: 90 });
    // Lowered to 200 days on 22 November (from 7 May 2026): only 7–25 May is owed, and pulled this run.
    const lowered = planAccountPull("2026-11-22", { lookbackDays: 28, initialDays: 200 }, cursor);
    assert.equal(lowered.historyFrom, "2026-05-07");
    assert.deepEqual(lowered.owedAfterRecent, [{ startDate: "2026-05-07", endDate: "2026-05-25" }]);
    assert.deepEqual(lowered.history, { startDate: "2026-05-07", endDate: "2026-05-25", days: 19 });
    assert.deepEqual(lowered.owedAfterHistory, []);
    assert.equal(lowered.initialDays, 200);
    // Lowered to 90 days: nothing is owed any more (the history from 25 August is within the newest range).
    const short = planAccountPull("2026-11-22", { lookbackDays: 28, initialDays: 90 }, cursor);
    assert.equal(short.history, undefined);
    assert.deepEqual(short.owedAfterHistory, []);
    // A cursor written before initialDays was kept: a lower setting cancels nothing on that run.
    const { initialDays: _kept, ...older } = cursor;
    const unknown = planAccountPull("2026-11-22", { lookbackDays: 28, initialDays: 200 }, older);
    assert.equal(unknown.historyFrom, "2023-11-23");
    assert.deepEqual(unknown.history, same.history);
  });
  it("with four ranges of history a run (the default), a first run asked for 400 days owes nothing after it", () => {
    // 400 days back from 21 November 2026: from 18 October 2025. The newest 90 (24 August on), then 26 May – 23
    // August, 25 February – 25 May, 27 November 2025 – 24 February 2026 and 18 October – 26 November 2025 (40).
    const plan = planAccountPull(RUN_DATE, { lookbackDays: 28, initialDays: 400 });
    const ranges = [plan.history];
    let owed = plan.owedAfterHistory;
    for (let more = 1; more < 4; more += 1) {
      const next = nextHistoryRange(owed);
      ranges.push(next?.range);
      owed = next?.owedAfter ?? [];
    }
    assert.deepEqual(ranges, [
      { startDate: "2026-05-26", endDate: "2026-08-23", days: 90 },
      { startDate: "2026-02-25", endDate: "2026-05-25", days: 90 },
      { startDate: "2025-11-27", endDate: "2026-02-24", days: 90 },
      { startDate: "2025-10-18", endDate: "2025-11-26", days: 40 },
    ]);
    assert.deepEqual(owed, []);
  });
});
