import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WarehouseFileDamagedError } from "../../functions/adapters/warehouse/duckdb/damaged-file.ts";
import { damagedWarehouseAdvice } from "../../functions/cli/damaged-warehouse.ts";
import { loadConfig } from "../../functions/shared/config.ts";

describe("the advice on a damaged warehouse file", () => {
  const reason =
    "IO Error: Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 1585152";

  it("names the file and DuckDB's words, and gives commands that work in a work dir whose path has a space and a quote", () => {
    const config = loadConfig({ env: { PULSE_WORK_DIR: "/home/ann/Maison d'Été" }, cwd: "/home/ann" });
    const error = new WarehouseFileDamagedError("/home/ann/Maison d'Été/warehouse.duckdb", reason);
    const lines = damagedWarehouseAdvice(error, config, "opening");
    // Written out by hand: one POSIX single-quoted word per path, the quote as '\''.
    const dir = "'/home/ann/Maison d'\\''Été";
    assert.equal(lines[0], `The warehouse file ${dir}/warehouse.duckdb' is damaged: DuckDB cannot read it.`);
    assert.equal(lines[1], `  DuckDB: ${reason}`);
    assert.ok(lines.includes("No step ran; every run stops here until the warehouse is rebuilt."));
    const commands = lines.filter((line) => /^ {2}(mv|cp|rm|npm) /.test(line));
    assert.deepEqual(commands, [
      `  mv ${dir}/warehouse.duckdb' ${dir}/warehouse.duckdb.damaged'   (and ${dir}/warehouse.duckdb.wal', if there is one)`,
      "  npm start -- reland   (puts the loaded files back in the inbox, in the order they were loaded)",
      `  rm -f ${dir}/bucket/state/connectors'/*.json   (the connectors then pull as on a first run)`,
      "  npm start -- --full-refresh --force",
    ]);
  });

  it("says the run's steps failed on it, rather than that none ran, when a run found it", () => {
    const config = loadConfig({ env: { PULSE_WORK_DIR: "/srv/pulse" }, cwd: "/srv" });
    const lines = damagedWarehouseAdvice(
      new WarehouseFileDamagedError("/srv/pulse/warehouse.duckdb", reason),
      config,
      "running",
    );
    assert.equal(
      lines[0],
      "The warehouse file /srv/pulse/warehouse.duckdb is damaged: DuckDB cannot read it.",
    );
    assert.ok(lines.includes("Every run fails on it until the warehouse is rebuilt."));
    assert.ok(!lines.some((line) => line.startsWith("No step ran")));
  });
});
