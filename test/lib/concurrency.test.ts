// mapLimited: a few at once, results in order, and after a failure nothing new starts; allLimited: the same for
// named tasks, each result under its name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allLimited, mapLimited } from "../../functions/lib/concurrency.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("mapLimited", () => {
  it("runs at most `limit` tasks at once and returns the results in the items' order", async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], 2, async (item, index) => {
      running += 1;
      most = Math.max(most, running);
      // Later items finish first: the results must still follow the items.
      for (let wait = 0; wait < item; wait += 1) await tick();
      running -= 1;
      return `${index}:${item * 10}`;
    });
    assert.deepEqual(results, ["0:50", "1:10", "2:40", "3:20", "4:30"]);
    assert.equal(most, 2);
  });

  it("starts nothing after a failure, lets the running ones finish, then rejects with it", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    await assert.rejects(
      mapLimited([1, 2, 3, 4], 2, async (item) => {
        started.push(item);
        await tick();
        if (item === 1) throw new Error("audit 1 failed");
        await tick();
        finished.push(item);
        return item;
      }),
      /audit 1 failed/,
    );
    assert.deepEqual(started, [1, 2]);
    assert.deepEqual(finished, [2]);
  });

  it("handles no items", async () => {
    assert.deepEqual(await mapLimited([], 4, async () => 1), []);
  });
});

describe("allLimited", () => {
  it("runs named tasks at most `limit` at once and gives each result under its task's name", async () => {
    let running = 0;
    let most = 0;
    const task =
      <T>(value: T, waits: number) =>
      async (): Promise<T> => {
        running += 1;
        most = Math.max(most, running);
        for (let wait = 0; wait < waits; wait += 1) await tick();
        running -= 1;
        return value;
      };
    const results = await allLimited(3, {
      daily: task([1, 2], 4),
      channel: task("meta", 1),
      cohorts: task({ months: 12 }, 3),
      premium: task(null, 2),
      mix: task(7, 1),
    });
    assert.deepEqual(results, {
      daily: [1, 2],
      channel: "meta",
      cohorts: { months: 12 },
      premium: null,
      mix: 7,
    });
    assert.equal(most, 3);
  });

  it("rejects with a task's failure", async () => {
    await assert.rejects(
      allLimited(2, {
        fine: async () => 1,
        broken: async () => {
          throw new Error("report daily_kpis failed");
        },
      }),
      /report daily_kpis failed/,
    );
  });
});
