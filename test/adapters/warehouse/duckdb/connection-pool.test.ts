// The DuckDB adapter's connection pools: window builds (and reads) share them, a whole build runs alone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionPool } from "../../../../functions/adapters/warehouse/duckdb/connection-pool.ts";

/** A connection that only records being closed. */
const connection = (name: string) => ({
  name,
  closed: false,
  closeSync() {
    this.closed = true;
  },
});

/** A task that holds its connection until released, recording when it starts and which connection it got. */
function heldTask(log: string[], label: string) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const work = async (held: { name: string }) => {
    log.push(`start ${label} on ${held.name}`);
    await released;
    log.push(`end ${label}`);
    return label;
  };
  return { work, release };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("ConnectionPool", () => {
  it("runs two window builds at once, each on its own connection", async () => {
    const pool = new ConnectionPool([connection("a"), connection("b")]);
    const log: string[] = [];
    const first = heldTask(log, "w1");
    const second = heldTask(log, "w2");
    const runs = [pool.use(false, first.work), pool.use(false, second.work)];
    await settle();
    assert.deepEqual(log.sort(), ["start w1 on b", "start w2 on a"]);
    first.release();
    second.release();
    assert.deepEqual(await Promise.all(runs), ["w1", "w2"]);
  });

  it("starts a whole build only when no window build runs, and nothing else while it runs", async () => {
    const pool = new ConnectionPool([connection("a"), connection("b")]);
    const log: string[] = [];
    const window1 = heldTask(log, "window1");
    const whole = heldTask(log, "whole");
    const window2 = heldTask(log, "window2");
    const runs = [pool.use(false, window1.work), pool.use(true, whole.work)];
    await settle();
    assert.deepEqual(log, ["start window1 on b"]);
    window1.release();
    await settle();
    assert.match(log.at(-1) ?? "", /^start whole on /);
    runs.push(pool.use(false, window2.work));
    await settle();
    assert.ok(!log.some((line) => line.startsWith("start window2")), "window2 waits for the whole build");
    whole.release();
    await settle();
    assert.match(log.at(-1) ?? "", /^start window2 on /);
    window2.release();
    assert.deepEqual(await Promise.all(runs), ["window1", "whole", "window2"]);
  });

  it("gives the connection back when a build fails, and closes every connection", async () => {
    const connections = [connection("a"), connection("b")];
    const pool = new ConnectionPool(connections);
    await assert.rejects(
      pool.use(true, async () => {
        throw new Error("model failed");
      }),
      /model failed/,
    );
    assert.equal(await pool.use(true, async () => "ran alone again"), "ran alone again");
    pool.closeAll();
    assert.deepEqual(
      connections.map((held) => held.closed),
      [true, true],
    );
  });

  it("holds an acquired connection until it is released, once, however often release is called", async () => {
    const pool = new ConnectionPool([connection("a"), connection("b")]);
    const first = await pool.acquire(false);
    const second = await pool.acquire(false);
    assert.notEqual(first.connection.name, second.connection.name);
    let third: string | undefined;
    const waiting = pool.acquire(false).then((held) => {
      third = held.connection.name;
      return held;
    });
    await settle();
    assert.equal(third, undefined, "a third reader waits while both connections are held");
    first.release();
    first.release();
    const held = await waiting;
    assert.equal(third, first.connection.name);
    // The double release gave nothing back twice: a whole build still waits for the two holders.
    let whole = false;
    const wholeRun = pool.use(true, async () => {
      whole = true;
    });
    await settle();
    assert.equal(whole, false);
    second.release();
    held.release();
    await wholeRun;
    assert.equal(whole, true);
  });
});
