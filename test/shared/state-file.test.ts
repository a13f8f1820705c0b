// Corrupt or empty state files are detected, named and set aside, and what reads them goes on.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { type CorruptState, objectWith, readStateFile } from "../../functions/shared/state-file.ts";

describe("state files", () => {
  let root: string;
  let bucket: FolderBucket;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-state-"));
    bucket = new FolderBucket(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  for (const [label, body] of [
    ["empty", ""],
    ["torn", '{"runDate":"2026-11-21","st'],
    ["binary", "\u0000\u0001\u0002"],
    ["the wrong shape", "[1,2,3]"],
  ] as const) {
    it(`sets a ${label} ledger record aside, names it, and reads it as absent`, async () => {
      const path = "runs/dt=2026-11-21/steps/transform.json";
      await bucket.write(path, body);
      const reported: CorruptState[] = [];
      const ledger = new Ledger(bucket, (corrupt) => reported.push(corrupt));
      assert.equal(await ledger.read("2026-11-21", "transform"), undefined);
      assert.equal(reported.length, 1);
      assert.equal(reported[0]?.path, path);
      assert.match(reported[0]?.setAsideTo ?? "", /transform\.json\.corrupt-\d{4}-/);
      assert.equal((await bucket.read(reported[0]?.setAsideTo ?? ""))?.toString(), body, "kept as it was");
      assert.equal(await bucket.exists(path), false);
      assert.deepEqual(await ledger.readAll("2026-11-21"), []);
    });
  }

  it("returns a readable state file untouched", async () => {
    await bucket.write("raw/inventory/baseline.json", '{"tables":{}}');
    const read = await readStateFile(bucket, "raw/inventory/baseline.json", objectWith("tables"));
    assert.deepEqual(read, { value: { tables: {} } });
  });
});
