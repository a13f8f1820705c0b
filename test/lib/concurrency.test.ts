// mapLimited: a few at once, results in order, and after a failure nothing new starts; allLimited: the same for
// named tasks, each result under its name; mapInDependencyOrder: each item after the items it depends on, the
// longest chain first.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allLimited, mapInDependencyOrder, mapLimited } from "../../functions/lib/concurrency.ts";

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

describe("mapInDependencyOrder", () => {
  /** A graph of named items: each name's dependencies, and how many ticks its task takes. */
  const graph: Record<string, { after: string[]; ticks: number }> = {
    orders: { after: [], ticks: 6 },
    customers: { after: [], ticks: 2 },
    ads: { after: [], ticks: 1 },
    lines: { after: ["orders"], ticks: 3 },
    unified: { after: ["orders", "lines"], ticks: 3 },
    spend: { after: ["ads"], ticks: 1 },
    kpis: { after: ["unified", "spend", "not-built-here"], ticks: 1 },
  };
  const names = Object.keys(graph);
  const dependenciesOf = (name: string) => graph[name]?.after ?? [];

  async function run(limit: number, items = names) {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    await mapInDependencyOrder(items, limit, dependenciesOf, async (name) => {
      running += 1;
      most = Math.max(most, running);
      events.push(`start ${name}`);
      for (let wait = 0; wait < (graph[name]?.ticks ?? 0); wait += 1) await tick();
      events.push(`end ${name}`);
      running -= 1;
    });
    return { events, most };
  }

  it("starts each item only after the items it depends on ended, at most `limit` at once", async () => {
    const { events, most } = await run(2);
    assert.equal(most, 2);
    assert.equal(events.filter((event) => event.startsWith("start")).length, names.length, "each item once");
    for (const name of names) {
      for (const dependency of dependenciesOf(name).filter((other) => names.includes(other)))
        assert.ok(
          events.indexOf(`end ${dependency}`) < events.indexOf(`start ${name}`),
          `${name} starts after ${dependency} ended`,
        );
    }
  });

  it("starts the item with the longest chain waiting on it first, and the next one the moment a slot frees", async () => {
    const { events } = await run(2);
    // orders (orders → lines → unified → kpis) before customers, ads (ads → spend → kpis) before customers.
    assert.deepEqual(events.slice(0, 2), ["start orders", "start ads"]);
    // Not in waves: spend starts as soon as ads ends, while orders (of the first wave) still runs.
    assert.ok(events.indexOf("start spend") < events.indexOf("end orders"));
    assert.ok(events.indexOf("start customers") < events.indexOf("end orders"));
  });

  it("waits only for dependencies among the items given", async () => {
    const { events } = await run(2, ["kpis", "spend", "ads"]);
    assert.deepEqual(events, ["start ads", "end ads", "start spend", "end spend", "start kpis", "end kpis"]);
  });

  it("starts nothing after a failure, lets the running ones finish, then rejects with it", async () => {
    const started: string[] = [];
    const ended: string[] = [];
    await assert.rejects(
      mapInDependencyOrder(names, 2, dependenciesOf, async (name) => {
        started.push(name);
        await tick();
        if (name === "ads") throw new Error("ads failed");
        for (let wait = 0; wait < (graph[name]?.ticks ?? 0); wait += 1) await tick();
        ended.push(name);
      }),
      /ads failed/,
    );
    assert.deepEqual(started, ["orders", "ads"]);
    assert.deepEqual(ended, ["orders"]);
  });

  it("refuses a cycle before starting anything, naming the items in it", async () => {
    const started: string[] = [];
    const cyclic: Record<string, string[]> = { a: [], b: ["c"], c: ["d"], d: ["b"] };
    await assert.rejects(
      mapInDependencyOrder(
        Object.keys(cyclic),
        2,
        (name) => cyclic[name] ?? [],
        async (name) => {
          started.push(name);
        },
      ),
      /cycle among b, c, d/,
    );
    assert.deepEqual(started, []);
  });

  it("handles no items", async () => {
    await mapInDependencyOrder(
      [],
      2,
      () => [],
      async () => assert.fail("no task"),
    );
  });
});
