// A warehouse file whose bytes are not what DuckDB wrote (as a process killed while DuckDB writes it can leave
// it): opening or reading it fails with an error that names the file and says it is damaged, never as one
// query's failure among others.
import assert from "node:assert/strict";
import { copyFile, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { WarehouseFileDamagedError } from "../../../../functions/adapters/warehouse/duckdb/damaged-file.ts";
import { DuckDbWarehouse } from "../../../../functions/adapters/warehouse/duckdb/warehouse.ts";

/** DuckDB's file: three 4 KiB headers (the main one, then two alternating database headers), then 256 KiB blocks. */
const FIRST_BLOCK_AT = 3 * 4096;

/** Inverts 16 bytes of `path` at `at`. */
async function flipBytes(path: string, at: number): Promise<void> {
  const file = await open(path, "r+");
  try {
    const bytes = Buffer.alloc(16);
    await file.read(bytes, 0, 16, at);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    await file.write(bytes, 0, 16, at);
  } finally {
    await file.close();
  }
}

describe("a damaged DuckDB warehouse file", () => {
  let dir: string;
  let intact: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-damaged-"));
    intact = join(dir, "intact.duckdb");
    const warehouse = await DuckDbWarehouse.open(intact);
    await warehouse.execute("CREATE SCHEMA raw");
    await warehouse.execute(
      "CREATE TABLE raw.orders AS SELECT id, TO_HEX(MD5(CAST(id AS STRING))) AS email FROM UNNEST(GENERATE_ARRAY(1, 300000)) AS id",
    );
    await warehouse.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("reads the intact file (the copies below differ from it by 16 bytes)", async () => {
    const warehouse = await DuckDbWarehouse.open(intact);
    try {
      assert.deepEqual(await warehouse.query("SELECT count(*) AS n FROM raw.orders"), [{ n: 300_000 }]);
    } finally {
      await warehouse.close();
    }
  });

  it("fails to open a file whose header is damaged, naming the file and DuckDB's words", async () => {
    const damaged = join(dir, "header.duckdb");
    await copyFile(intact, damaged);
    await flipBytes(damaged, 100);
    await assert.rejects(DuckDbWarehouse.open(damaged), (error: unknown) => {
      assert.ok(error instanceof WarehouseFileDamagedError, String(error));
      assert.equal(error.path, damaged);
      assert.match(
        error.reason,
        /Corrupt database file: computed checksum \d+ does not match stored checksum \d+ in block at location 0\b/,
      );
      assert.ok(error.message.startsWith(`the warehouse file ${damaged} is damaged`), error.message);
      return true;
    });
  });

  it("fails a read of a damaged block the same way, not as the query's own failure", async () => {
    const damaged = join(dir, "block.duckdb");
    await copyFile(intact, damaged);
    await flipBytes(damaged, FIRST_BLOCK_AT + 1000);
    const warehouse = await DuckDbWarehouse.open(damaged);
    try {
      await assert.rejects(
        warehouse.query("SELECT count(DISTINCT email) AS n FROM raw.orders", {}, { label: "emails" }),
        (error: unknown) => {
          assert.ok(error instanceof WarehouseFileDamagedError, String(error));
          assert.equal(error.path, damaged);
          assert.match(error.reason, new RegExp(`in block at location ${FIRST_BLOCK_AT}\\b`));
          return true;
        },
      );
      // Kept, so that the command line can say what to do after the run's summary.
      assert.equal(warehouse.damage?.path, damaged);
    } finally {
      await warehouse.close();
    }
  });
});
