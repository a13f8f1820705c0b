import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm, symlink, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket, NotRegularFileError } from "../../../functions/adapters/bucket/folder-bucket.ts";
import type { LifecycleRule } from "../../../functions/lib/bucket-lifecycle.ts";

describe("folder bucket", () => {
  let root: string;
  let bucket: FolderBucket;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-bucket-"));
    bucket = new FolderBucket(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("writes, reads, lists and deletes objects", async () => {
    await bucket.write("a/b/one.txt", "1");
    await bucket.write("a/two.txt", "2");
    await bucket.write("c.txt", "3");
    assert.equal((await bucket.read("a/b/one.txt"))?.toString(), "1");
    assert.equal(await bucket.read("missing.txt"), undefined);
    assert.deepEqual(await bucket.list("a/"), ["a/b/one.txt", "a/two.txt"]);
    assert.deepEqual(await bucket.list("a/t"), ["a/two.txt"]);
    assert.deepEqual(await bucket.list("nothing/"), []);
    await bucket.delete("c.txt");
    assert.equal(await bucket.exists("c.txt"), false);
  });

  it("removes a folder dropped into the inbox with its last file, never the inbox itself nor folders elsewhere", async () => {
    await bucket.write("raw/inbox/exports/november/orders.csv", "o");
    await bucket.write("raw/inbox/exports/meta.csv", "m");
    await bucket.write("extracts/x/dt=2026-11-21/x.csv", "x");
    await bucket.delete("raw/inbox/exports/november/orders.csv");
    assert.deepEqual(
      await readdir(join(root, "raw/inbox/exports")),
      ["meta.csv"],
      "november/ went with its file",
    );
    await bucket.delete("raw/inbox/exports/meta.csv");
    assert.deepEqual(
      await readdir(join(root, "raw/inbox")),
      [],
      "exports/ went; the inbox stays for the next drop",
    );
    await bucket.delete("extracts/x/dt=2026-11-21/x.csv");
    assert.deepEqual(
      await readdir(join(root, "extracts/x")),
      ["dt=2026-11-21"],
      "outside the inbox, folders stay",
    );
  });

  it("creates an object only once (the claim primitive)", async () => {
    assert.equal(await bucket.createIfAbsent("claims/x.json", "first"), true);
    assert.equal(await bucket.createIfAbsent("claims/x.json", "second"), false);
    assert.equal((await bucket.read("claims/x.json"))?.toString(), "first");
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => bucket.createIfAbsent("claims/race.json", String(n))),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  it("streams a write and leaves nothing behind when the stream fails", async () => {
    async function* chunks() {
      yield "a,b\n";
      yield "1,2\n";
    }
    assert.deepEqual(await bucket.writeStream("s/ok.csv", chunks()), { bytes: 8 });
    async function* broken() {
      yield "partial";
      throw new Error("source broke");
    }
    await assert.rejects(bucket.writeStream("s/broken.csv", broken()), /source broke/);
    assert.equal(await bucket.exists("s/broken.csv"), false);
    assert.deepEqual((await readdir(join(root, "s"))).sort(), ["ok.csv"]);
  });

  it("replaces by copy in one step", async () => {
    await bucket.write("v1.txt", "new");
    await bucket.write("latest.txt", "old");
    await bucket.copy("v1.txt", "latest.txt");
    assert.equal((await bucket.read("latest.txt"))?.toString(), "new");
    // The copy shares the file (a hard link) but is its own object: rewriting or deleting the source leaves it.
    await bucket.write("v1.txt", "newer");
    assert.equal((await bucket.read("latest.txt"))?.toString(), "new");
    await bucket.delete("v1.txt");
    assert.equal((await bucket.read("latest.txt"))?.toString(), "new");
  });

  it("composes files by concatenating them, in the order given", async () => {
    await bucket.write("parts/header.csv", "date,orders\n");
    await bucket.write("parts/2026-10.csv", "2026-10-31,300\n");
    await bucket.write("parts/empty.csv", "");
    await bucket.write("parts/2026-11.csv", "2026-11-01,310\n");
    await bucket.compose(
      ["parts/header.csv", "parts/2026-10.csv", "parts/empty.csv", "parts/2026-11.csv"],
      "out/whole.csv",
    );
    assert.equal(
      (await bucket.read("out/whole.csv"))?.toString(),
      "date,orders\n2026-10-31,300\n2026-11-01,310\n",
    );
    // A missing source fails the compose and leaves the destination as it was (no temporary file either).
    await assert.rejects(bucket.compose(["parts/header.csv", "parts/missing.csv"], "out/whole.csv"));
    assert.equal((await bucket.read("out/whole.csv"))?.toString().length, 42);
    assert.deepEqual(await readdir(join(root, "out")), ["whole.csv"]);
  });

  it("composes sources larger than its read buffer byte for byte, and refuses a symlink or FIFO source", async () => {
    // 2.5 MiB of bytes that differ along the file: a lost or repeated buffer would show.
    const big = Buffer.alloc(2.5 * 2 ** 20);
    for (let index = 0; index < big.length; index++) big[index] = (index * 7 + (index >> 12)) % 251;
    await bucket.write("large/a.bin", big);
    await bucket.write("large/b.bin", "tail\n");
    await bucket.compose(["large/b.bin", "large/a.bin", "large/b.bin"], "large/whole.bin");
    const whole = await bucket.read("large/whole.bin");
    assert.ok(whole);
    assert.ok(whole.equals(Buffer.concat([Buffer.from("tail\n"), big, Buffer.from("tail\n")])));

    await symlink(join(root, "large", "b.bin"), join(root, "large", "link.bin"));
    await assert.rejects(
      bucket.compose(["large/b.bin", "large/link.bin"], "large/whole.bin"),
      (error: Error) =>
        error instanceof NotRegularFileError && /large\/link\.bin is a symbolic link/.test(error.message),
    );
    execFileSync("mkfifo", [join(root, "large", "pipe.bin")]);
    await assert.rejects(
      bucket.compose(["large/pipe.bin"], "large/whole.bin"),
      (error: Error) =>
        error instanceof NotRegularFileError && /large\/pipe\.bin is a FIFO/.test(error.message),
    );
    // The refused composes left the earlier whole object and no temporary file.
    assert.ok((await bucket.read("large/whole.bin"))?.equals(whole));
    assert.deepEqual((await readdir(join(root, "large"))).sort(), [
      "a.bin",
      "b.bin",
      "link.bin",
      "pipe.bin",
      "whole.bin",
    ]);
  });

  it("reads a range of one version, clamped to the object, and refuses a symlink", async () => {
    const big = Buffer.alloc(300_000);
    for (let index = 0; index < big.length; index++) big[index] = (index * 13 + (index >> 10)) % 251;
    await bucket.write("range/data.bin", big);
    const head = await bucket.readRange("range/data.bin", 0, 10);
    assert.ok(head);
    assert.ok(head.data.equals(big.subarray(0, 10)));
    assert.equal(head.size, big.length);
    const tail = await bucket.readRange("range/data.bin", 123_457, 1_000_000, head.generation);
    assert.ok(tail?.data.equals(big.subarray(123_457)));
    assert.equal(tail?.generation, head.generation);
    assert.equal((await bucket.readRange("range/data.bin", 400_000, 500_000))?.data.length, 0);
    assert.equal((await bucket.readRange("range/data.bin", 20, 10))?.data.length, 0);
    // Replaced (a new file renamed into place): the old generation is gone.
    await bucket.write("range/data.bin", big.subarray(0, 100));
    assert.equal(await bucket.readRange("range/data.bin", 0, 10, head.generation), undefined);
    assert.equal((await bucket.readRange("range/data.bin", 90, 200))?.data.length, 10);
    assert.equal(await bucket.readRange("range/missing.bin", 0, 10), undefined);
    await symlink(join(root, "range", "data.bin"), join(root, "range", "link.bin"));
    await assert.rejects(bucket.readRange("range/link.bin", 0, 10), NotRegularFileError);
  });

  it("expires objects as Cloud Storage's lifecycle rules do: by age from the write, within the rules' prefixes", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const written = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
    const rules: LifecycleRule[] = [
      { name: "old things", prefixes: ["old/a/", "old/b/"], ageDays: 30 },
      { name: "older things", prefixes: ["older/"], ageDays: 90 },
    ];
    const objects: [string, number][] = [
      ["old/a/dt=1/x.csv", 30], // exactly the age: expires
      ["old/a/dt=2/x.csv", 29.9], // 29 whole days: kept
      ["old/b/y.csv", 400],
      ["old/latest/x.csv", 400], // no rule's prefix
      ["older/q.csv", 89],
      ["older/deep/r.csv", 91],
    ];
    for (const [path, days] of objects) {
      await bucket.write(path, "x");
      await utimes(join(root, path), written(days), written(days));
    }
    await bucket.copy("old/a/dt=1/x.csv", "linked.csv"); // a hard link keeps its bytes
    const expired = await bucket.expire(rules, now);
    assert.deepEqual(expired, [
      { path: "old/a/dt=1/x.csv", rule: "old things" },
      { path: "old/b/y.csv", rule: "old things" },
      { path: "older/deep/r.csv", rule: "older things" },
    ]);
    assert.deepEqual(await bucket.list("old/"), ["old/a/dt=2/x.csv", "old/latest/x.csv"]);
    assert.deepEqual(await bucket.list("older/"), ["older/q.csv"]);
    assert.deepEqual((await readdir(join(root, "old", "a"))).sort(), ["dt=2"], "the emptied folder is gone");
    assert.deepEqual(await readdir(join(root, "old", "b")), [], "the prefix's own folder stays");
    assert.equal((await bucket.read("linked.csv"))?.toString(), "x");
    assert.deepEqual(await bucket.expire(rules, now), [], "a second pass finds nothing");
  });

  it("refuses paths that leave the bucket", async () => {
    await assert.rejects(bucket.write("../escape.txt", "x"), /leaves the bucket/);
    await assert.rejects(bucket.write("/etc/passwd", "x"), /invalid object path/);
  });
});
