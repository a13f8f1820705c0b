// A daily window of a table of more than a row group (DuckDB): only the rows that changed are deleted and
// inserted, found by whole rows (functions/adapters/warehouse/duckdb/statements.ts, windowReplace) or by the
// model's key (keyedWindowReplace), and the table ends as a delete of the window and an insert of the model would
// leave it. Hand-made changes to a generated source of 130,000 rows
// over 100 days: the expected table is read straight from the source (its snapshot before the changes for the days
// outside the window), never from the warehouse's own output.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DuckDbWarehouse } from "../../../../functions/adapters/warehouse/duckdb/warehouse.ts";
import type { MaterializeRequest } from "../../../../functions/shared/ports.ts";

const ROWS = 130_000;
const DAYS = 100;
// The window: the last five days (days 95–99 after 2026-01-01).
const WINDOW = { start: "2026-04-06", end: "2026-04-10" };
// Window rows the changes leave alone: labelled (day 96), a NULL label (day 98), a NaN amount (day 97).
const KEPT = [1096, 98, 997];

// What each way deletes and inserts for the changes below. By whole rows: every stored copy of a changed row. By
// key: every row of a key that changed, so also the copy of id 195 already stored, which the model now gives twice.
const VARIANTS = [
  {
    name: "found by whole rows",
    key: undefined,
    changed: { deleted: 18, inserted: 20 },
    again: { deleted: 0, inserted: 0 },
  },
  // A key given more than once (id 195: a broken grain, which the uniqueness audit reports) is replaced every run.
  {
    name: "found by key",
    key: ["id"],
    changed: { deleted: 19, inserted: 21 },
    again: { deleted: 2, inserted: 2 },
  },
];

for (const variant of VARIANTS)
  describe(`a daily window of a table of more than a row group, ${variant.name}`, () => {
    let warehouse: DuckDbWarehouse;
    before(async () => {
      warehouse = await DuckDbWarehouse.open(":memory:");
      await warehouse.execute("CREATE SCHEMA raw");
      // Row n: day n mod 100, a label that is NULL on every 7th row, an amount that is NaN when n mod 1000 is 997.
      await warehouse.execute(
        `CREATE TABLE raw.facts AS
       SELECT DATE_ADD(DATE '2026-01-01', INTERVAL MOD(n, ${DAYS}) DAY) AS day, n AS id,
              IF(MOD(n, 7) = 0, NULL, CONCAT('label ', CAST(n AS STRING))) AS label,
              IF(MOD(n, 1000) = 997, CAST('NaN' AS FLOAT64), n / 4) AS amount,
              CAST(n AS NUMERIC) AS price
       FROM UNNEST(GENERATE_ARRAY(0, ${ROWS - 1})) AS n`,
      );
      // Two rows twice in the source, so stored twice: one in the window (id 99), one outside it (id 2).
      await warehouse.execute("INSERT INTO raw.facts SELECT * FROM raw.facts WHERE id IN (99, 2)");
      // A row without an id in the window: a NULL key column is a value like any other.
      await warehouse.execute(
        "INSERT INTO raw.facts SELECT DATE '2026-04-08', CAST(NULL AS INT64), 'no id', 1, CAST(1 AS NUMERIC)",
      );
    });
    after(() => warehouse.close());

    const request = (window?: { start: string; end: string }): MaterializeRequest => ({
      dataset: "marts",
      table: "facts",
      sql: "SELECT day, id, label, amount, price FROM raw.facts WHERE day BETWEEN @window_start AND @window_end",
      params: window
        ? { window_start: window.start, window_end: window.end }
        : { window_start: "2000-01-01", window_end: "2100-01-01" },
      partitionColumn: "day",
      ...(variant.key ? { key: variant.key } : {}),
      ...(window ? { window } : {}),
    });

    it("deletes and inserts only the rows that changed, and ends with the source's window and the old days as built", async () => {
      const full = await warehouse.materialize(request());
      assert.equal(full.mode, "full");
      assert.equal(full.rowsWritten, ROWS + 3);
      await warehouse.execute("CREATE TABLE raw.facts_built AS SELECT * FROM raw.facts");
      // Where three unchanged window rows are stored (a labelled one, a NULL label, a NaN amount), to see them stay.
      const keptBefore = await warehouse.query<{ id: number; rid: number }>(
        `SELECT id, rowid AS rid FROM marts.facts WHERE id IN (${KEPT.join(", ")}) ORDER BY id`,
      );
      assert.equal(keptBefore.length, 3);

      // In the window: 10 labels changed, 5 rows gone, 7 new rows, one row now twice (id 195, day 95), and the
      // row stored twice (id 99) now once. Outside it (id 1, day 1): a change the window run must not see.
      const untouched = [99, 195, ...KEPT].join(", ");
      await warehouse.execute(
        `UPDATE raw.facts SET label = CONCAT('changed ', CAST(id AS STRING))
       WHERE id IN (SELECT id FROM raw.facts WHERE day >= DATE '${WINDOW.start}' AND label IS NOT NULL
                    AND id NOT IN (${untouched}) ORDER BY id LIMIT 10)`,
      );
      await warehouse.execute(
        `DELETE FROM raw.facts
       WHERE id IN (SELECT id FROM raw.facts WHERE day >= DATE '${WINDOW.start}' AND STARTS_WITH(label, 'label ')
                    AND id NOT IN (${untouched}) ORDER BY id DESC LIMIT 5)`,
      );
      await warehouse.execute(
        `INSERT INTO raw.facts
       SELECT DATE '2026-04-10', ${ROWS} + n, CAST(NULL AS STRING), n, CAST(1.5 AS NUMERIC) FROM UNNEST(GENERATE_ARRAY(0, 6)) AS n`,
      );
      await warehouse.execute("INSERT INTO raw.facts SELECT * FROM raw.facts WHERE id = 195");
      await warehouse.execute("DELETE FROM raw.facts WHERE id = 99");
      await warehouse.execute(
        "INSERT INTO raw.facts SELECT day, id, label, amount, price FROM raw.facts_built WHERE id = 99 LIMIT 1",
      );
      await warehouse.execute("UPDATE raw.facts SET label = 'outside the window' WHERE id = 1");
      await warehouse.execute("UPDATE raw.facts SET label = 'no id, changed' WHERE id IS NULL");

      const daily = await warehouse.materialize(request(WINDOW));
      assert.equal(daily.mode, "incremental");
      const [windowRows] = await warehouse.query<{ n: number }>(
        `SELECT count(*) AS n FROM raw.facts WHERE day BETWEEN DATE '${WINDOW.start}' AND DATE '${WINDOW.end}'`,
      );
      assert.equal(daily.rowsWritten, windowRows?.n);
      // By whole rows, deleted: 10 changed + 5 gone + both stored copies of id 99 (every copy of a stale row goes)
      // + the row without an id; inserted: 10 changed + 7 new + the second copy of id 195 + id 99 once + the row
      // without an id. By key, id 195 is replaced whole: one more deleted, one more inserted.
      assert.deepEqual(daily.rowsChanged, variant.changed);

      // The whole table, as multisets: the window from the source now, the other days from the source as built.
      const expected = `SELECT day, id, label, amount, price FROM raw.facts WHERE day BETWEEN DATE '${WINDOW.start}' AND DATE '${WINDOW.end}'
      UNION ALL SELECT day, id, label, amount, price FROM raw.facts_built WHERE day NOT BETWEEN DATE '${WINDOW.start}' AND DATE '${WINDOW.end}'`;
      const [difference] = await warehouse.query<{
        missing: number;
        extra: number;
        stored: number;
        wanted: number;
      }>(
        `SELECT (SELECT count(*) FROM (SELECT * FROM (${expected}) EXCEPT ALL SELECT * FROM marts.facts)) AS missing,
              (SELECT count(*) FROM (SELECT * FROM marts.facts EXCEPT ALL SELECT * FROM (${expected}))) AS extra,
              (SELECT count(*) FROM marts.facts) AS stored,
              (SELECT count(*) FROM (${expected})) AS wanted`,
      );
      assert.deepEqual(difference, {
        missing: 0,
        extra: 0,
        stored: ROWS + 3 + 7 + 1 - 5 - 1,
        wanted: ROWS + 3 + 7 + 1 - 5 - 1,
      });
      const [outside] = await warehouse.query<{ label: string }>(
        "SELECT label FROM marts.facts WHERE id = 1",
      );
      assert.equal(outside?.label, "label 1");
      const [copies] = await warehouse.query<{ of99: number; of195: number; of2: number }>(
        "SELECT COUNTIF(id = 99) AS of99, COUNTIF(id = 195) AS of195, COUNTIF(id = 2) AS of2 FROM marts.facts",
      );
      assert.deepEqual(copies, { of99: 1, of195: 2, of2: 2 });

      // Unchanged rows of the window (a labelled one, a NULL-labelled one) were not deleted and inserted again.
      const keptAfter = await warehouse.query<{ id: number; rid: number }>(
        `SELECT id, rowid AS rid FROM marts.facts WHERE id IN (${KEPT.join(", ")}) ORDER BY id`,
      );
      assert.deepEqual(keptAfter, keptBefore);
    });

    it("a second run with nothing changed deletes and inserts nothing, but a key given twice", async () => {
      const again = await warehouse.materialize(request(WINDOW));
      assert.deepEqual(again.rowsChanged, variant.again);
    });
  });
