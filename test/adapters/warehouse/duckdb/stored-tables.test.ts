// The DuckDB warehouse's memory of its stored tables: a dataset read once, then kept current by its own writes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type StoredTable,
  type StoredTableReads,
  StoredTables,
} from "../../../../functions/adapters/warehouse/duckdb/stored-tables.ts";

/** Reads answered from `stored` (dataset → table → row), each one recorded. */
function recordingReads(stored: Record<string, Record<string, StoredTable>>) {
  const asked: string[] = [];
  const reads: StoredTableReads = {
    dataset: async (dataset) => {
      asked.push(`dataset ${dataset}`);
      return new Map(Object.entries(stored[dataset] ?? {}));
    },
    table: async (dataset, table) => {
      asked.push(`table ${dataset}.${table}`);
      return stored[dataset]?.[table];
    },
  };
  return { asked, reads };
}

describe("stored tables (what the DuckDB warehouse knows of its tables)", () => {
  it("reads a dataset once for all its tables, and knows a table that is not there", async () => {
    const stored = {
      staging: { orders: { comment: "pulse_model:a", rows: 10 }, customers: { comment: "", rows: 4 } },
      marts: { daily: { comment: "pulse_model:b", rows: 2 } },
    };
    const { asked, reads } = recordingReads(stored);
    const tables = new StoredTables();
    assert.deepEqual(await tables.get("staging", "orders", reads), { comment: "pulse_model:a", rows: 10 });
    assert.deepEqual(await tables.get("staging", "customers", reads), { comment: "", rows: 4 });
    assert.equal(await tables.get("staging", "refunds", reads), undefined);
    assert.deepEqual(await tables.get("marts", "daily", reads), { comment: "pulse_model:b", rows: 2 });
    assert.deepEqual(asked, ["dataset staging", "dataset marts"]);
  });

  it("asks together once: two tables of a dataset asked at the same time share its read", async () => {
    const { asked, reads } = recordingReads({
      unified: { a: { comment: "", rows: 1 }, b: { comment: "", rows: 2 } },
    });
    const tables = new StoredTables();
    const [a, b] = await Promise.all([tables.get("unified", "a", reads), tables.get("unified", "b", reads)]);
    assert.deepEqual([a?.rows, b?.rows], [1, 2]);
    assert.deepEqual(asked, ["dataset unified"]);
  });

  it("reads a table it wrote again, alone, and keeps the other tables' answers", async () => {
    const stored = {
      staging: { orders: { comment: "old", rows: 10 }, customers: { comment: "c", rows: 4 } },
    };
    const { asked, reads } = recordingReads(stored);
    const tables = new StoredTables();
    await tables.get("staging", "orders", reads);
    stored.staging.orders = { comment: "new", rows: 12 };
    tables.wrote("staging", "orders");
    assert.deepEqual(await tables.get("staging", "orders", reads), { comment: "new", rows: 12 });
    assert.deepEqual(await tables.get("staging", "customers", reads), { comment: "c", rows: 4 });
    assert.deepEqual(asked, ["dataset staging", "table staging.orders"]);
  });

  it("keeps a written table's answer until it is written again, unless a write came while it was read", async () => {
    const stored = { staging: { orders: { comment: "a", rows: 10 } } };
    const { asked, reads } = recordingReads(stored);
    const tables = new StoredTables();
    tables.wrote("staging", "orders");
    assert.deepEqual(await tables.get("staging", "orders", reads), { comment: "a", rows: 10 });
    assert.deepEqual(await tables.get("staging", "orders", reads), { comment: "a", rows: 10 });
    assert.deepEqual(asked, ["table staging.orders"], "read once, then kept");

    stored.staging.orders = { comment: "b", rows: 11 };
    tables.wrote("staging", "orders");
    // A write lands while the table is read: the answer read may be the one from before it, so it is not kept.
    let answerRead: () => void = () => {};
    const slow: StoredTableReads = {
      ...reads,
      table: async (dataset, table) => {
        const answer = await reads.table(dataset, table);
        await new Promise<void>((resolve) => {
          answerRead = resolve;
        });
        return answer;
      },
    };
    const reading = tables.get("staging", "orders", slow);
    await new Promise((resolve) => setImmediate(resolve));
    stored.staging.orders = { comment: "c", rows: 12 };
    tables.wrote("staging", "orders");
    answerRead();
    assert.deepEqual(await reading, { comment: "b", rows: 11 });
    assert.deepEqual(await tables.get("staging", "orders", reads), { comment: "c", rows: 12 });
    assert.equal(asked.filter((ask) => ask === "table staging.orders").length, 3);
  });

  it("knows a table it built whole without asking, until it is written again", async () => {
    const stored: Record<string, Record<string, StoredTable>> = {};
    const { asked, reads } = recordingReads(stored);
    const tables = new StoredTables();
    tables.built("unified", "orders", { comment: "pulse_model:x", rows: 123_456 });
    assert.deepEqual(await tables.get("unified", "orders", reads), {
      comment: "pulse_model:x",
      rows: 123_456,
    });
    assert.deepEqual(asked, []);
    stored.unified = { orders: { comment: "pulse_model:x", rows: 123_460 } };
    tables.wrote("unified", "orders");
    assert.deepEqual(await tables.get("unified", "orders", reads), {
      comment: "pulse_model:x",
      rows: 123_460,
    });
    tables.built("unified", "orders", { comment: "pulse_model:y", rows: 5 });
    tables.forgetAll();
    assert.deepEqual(await tables.get("unified", "orders", reads), {
      comment: "pulse_model:x",
      rows: 123_460,
    });
    assert.deepEqual(asked, ["table unified.orders", "dataset unified"]);
  });

  it("forgets everything after a statement it cannot see into, and a failed read is tried again", async () => {
    const stored: Record<string, Record<string, StoredTable>> = {
      marts: { daily: { comment: "x", rows: 1 } },
    };
    const { asked, reads } = recordingReads(stored);
    const tables = new StoredTables();
    await tables.get("marts", "daily", reads);
    delete stored.marts?.daily;
    tables.forgetAll();
    assert.equal(
      await tables.get("marts", "daily", reads),
      undefined,
      "a table dropped by a statement is gone",
    );
    assert.deepEqual(asked, ["dataset marts", "dataset marts"]);

    let fail = true;
    const flaky: StoredTableReads = {
      ...reads,
      dataset: async (dataset) => {
        if (fail) throw new Error("catalog busy");
        return reads.dataset(dataset);
      },
    };
    const fresh = new StoredTables();
    await assert.rejects(fresh.get("raw", "orders", flaky), /catalog busy/);
    fail = false;
    assert.equal(await fresh.get("raw", "orders", flaky), undefined);
  });
});
