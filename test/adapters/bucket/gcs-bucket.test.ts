import assert from "node:assert/strict";
import { Readable, Writable } from "node:stream";
import { describe, it } from "node:test";
import {
  GcsBucket,
  type GcsBucketHandle,
  type GcsFile,
  type GcsListQuery,
  type GcsObjectMetadata,
  type GcsUploadOptions,
} from "../../../functions/adapters/bucket/gcs-bucket.ts";
import { isTransient } from "../../../functions/shared/step.ts";

interface Stored {
  data: Buffer;
  generation: number;
  contentType?: string;
}

interface Call {
  op: string;
  path: string;
  options?: unknown;
}

function apiError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** An in-memory bucket that records every call and enforces generation preconditions as GCS does. */
class FakeGcs implements GcsBucketHandle {
  readonly name = "pulse-shop";
  readonly objects = new Map<string, Stored>();
  readonly calls: Call[] = [];
  readonly listQueries: GcsListQuery[] = [];
  private generation = 100;
  deny = false;
  /** What every upload fails with, as the library reports it. */
  uploadError: Error | undefined;

  put(path: string, data: string | Buffer, contentType?: string): void {
    this.generation += 1;
    this.objects.set(path, { data: Buffer.from(data), generation: this.generation, contentType });
  }

  private check(path: string, precondition: number | string | undefined): void {
    if (this.deny) throw apiError(403, "caller does not have storage.objects.create access");
    if (precondition === undefined) return;
    const current = this.objects.get(path)?.generation ?? 0;
    if (current !== Number(precondition)) throw apiError(412, "Precondition Failed");
  }

  file(path: string, options?: { generation?: number | string }): GcsFile {
    const record = (op: string, opts?: unknown) => this.calls.push({ op, path, options: opts });
    return {
      name: path,
      save: async (data: string | Uint8Array, opts?: GcsUploadOptions) => {
        record("save", opts);
        if (this.uploadError) throw this.uploadError;
        this.check(path, opts?.preconditionOpts?.ifGenerationMatch);
        this.put(path, Buffer.from(data), opts?.contentType);
      },
      createWriteStream: (opts?: GcsUploadOptions) => {
        record("createWriteStream", opts);
        const chunks: Buffer[] = [];
        return new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(chunk);
            done();
          },
          final: (done) => {
            if (this.uploadError) {
              done(this.uploadError);
              return;
            }
            // A resumable upload finalises only here: an aborted stream never creates the object.
            this.put(path, Buffer.concat(chunks), opts?.contentType);
            done();
          },
        });
      },
      download: async (range?: { start?: number; end?: number }): Promise<[Buffer]> => {
        record("download", range ? { ...options, ...range } : options);
        const stored = this.objects.get(path);
        if (
          !stored ||
          (options?.generation !== undefined && String(stored.generation) !== String(options.generation))
        ) {
          throw apiError(404, "No such object");
        }
        // As the library reads a range: from start to end, both included.
        if (range) return [stored.data.subarray(range.start ?? 0, (range.end ?? stored.data.length - 1) + 1)];
        return [stored.data];
      },
      createReadStream: () => {
        record("createReadStream", options);
        const stored = this.objects.get(path);
        // As the library does: the stream errors (404) once read, not when made.
        if (!stored) {
          return new Readable({
            read() {
              this.destroy(apiError(404, "No such object"));
            },
          });
        }
        // In 64 KiB chunks, as a download arrives.
        const chunks: Buffer[] = [];
        for (let start = 0; start < stored.data.length; start += 65_536)
          chunks.push(stored.data.subarray(start, start + 65_536));
        return Readable.from(chunks);
      },
      exists: async (): Promise<[boolean]> => {
        return [this.objects.has(path)];
      },
      getMetadata: async (): Promise<[GcsObjectMetadata]> => {
        record("getMetadata", options);
        const stored = this.objects.get(path);
        // A generation that is no longer live is gone (the bucket keeps no old versions).
        if (
          !stored ||
          (options?.generation !== undefined && String(stored.generation) !== String(options.generation))
        )
          throw apiError(404, "No such object");
        return [{ name: path, generation: String(stored.generation), size: stored.data.length }];
      },
      delete: async (opts?: { ignoreNotFound?: boolean; ifGenerationMatch?: number | string }) => {
        record("delete", opts);
        if (!this.objects.has(path)) {
          if (opts?.ignoreNotFound) return;
          throw apiError(404, "No such object");
        }
        this.check(path, opts?.ifGenerationMatch);
        this.objects.delete(path);
      },
      copy: async (destination: string) => {
        record("copy", destination);
        const stored = this.objects.get(path);
        if (!stored) throw apiError(404, "No such object");
        this.put(destination, stored.data, stored.contentType);
      },
      getSignedUrl: async (config: { version: "v4"; action: "read"; expires: number }): Promise<[string]> => {
        record("getSignedUrl", config);
        return [`https://storage.googleapis.com/${this.name}/${path}?X-Goog-Algorithm=GOOG4-RSA-SHA256`];
      },
    };
  }

  /** Compose as Cloud Storage does it: at most 32 existing sources, concatenated into a new generation. */
  async combine(sources: string[], destination: string, contentType?: string): Promise<void> {
    this.calls.push({ op: "combine", path: destination, options: { sources, contentType } });
    if (sources.length > 32) throw apiError(400, "The number of source components provided exceeds 32");
    const parts = sources.map((source) => this.objects.get(source)?.data);
    if (parts.some((part) => part === undefined)) throw apiError(404, "No such object");
    this.put(destination, Buffer.concat(parts as Buffer[]), contentType);
  }

  async getFiles(query: GcsListQuery): Promise<[{ name: string }[], { pageToken?: string } | null]> {
    this.listQueries.push({ ...query });
    const names = [...this.objects.keys()].filter((name) => name.startsWith(query.prefix)).sort();
    const start = Number(query.pageToken ?? 0);
    const page = names.slice(start, start + query.maxResults).map((name) => ({ name }));
    const next =
      start + query.maxResults < names.length ? { pageToken: String(start + query.maxResults) } : null;
    return [page, next];
  }
}

const NOW = new Date("2026-11-22T07:00:00.000Z");
const clock = { now: () => NOW };

describe("GCS bucket", () => {
  it("claims with ifGenerationMatch: 0 and reports a lost race (412) as false", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    assert.equal(
      await bucket.createIfAbsent("runs/dt=2026-11-21/claims/transform.json", "{}", {
        contentType: "application/json",
      }),
      true,
    );
    assert.equal(await bucket.createIfAbsent("runs/dt=2026-11-21/claims/transform.json", "{}"), false);
    const saves = fake.calls.filter((call) => call.op === "save");
    assert.deepEqual(saves[0]?.options, {
      resumable: false,
      contentType: "application/json",
      preconditionOpts: { ifGenerationMatch: 0 },
    });
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => bucket.createIfAbsent("claims/race.json", String(n))),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  it("writes small objects in one request, reads them back, and reads a missing one as undefined", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    await bucket.write("runs/dt=2026-11-21/steps/ingest.json", '{"ok":true}', {
      contentType: "application/json",
    });
    assert.deepEqual(fake.calls.at(-1)?.options, { resumable: false, contentType: "application/json" });
    assert.equal((await bucket.read("runs/dt=2026-11-21/steps/ingest.json"))?.toString(), '{"ok":true}');
    assert.equal(await bucket.read("missing.json"), undefined);
    assert.equal(await bucket.exists("runs/dt=2026-11-21/steps/ingest.json"), true);
    assert.equal(bucket.location, "gs://pulse-shop");
    await assert.rejects(bucket.write("../escape", "x"), /invalid object path/);
  });

  it("streams through a resumable upload and leaves no object when the source fails", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    async function* chunks() {
      yield "date,orders\n";
      yield new TextEncoder().encode("2026-11-21,300\n");
    }
    assert.deepEqual(await bucket.writeStream("extracts/x.csv", chunks(), { contentType: "text/csv" }), {
      bytes: 27,
    });
    assert.deepEqual(fake.calls.at(-1)?.options, {
      resumable: true,
      contentType: "text/csv",
      validation: "crc32c",
    });
    assert.equal(fake.objects.get("extracts/x.csv")?.data.toString(), "date,orders\n2026-11-21,300\n");
    async function* broken() {
      yield "partial";
      throw new Error("source broke");
    }
    await assert.rejects(bucket.writeStream("extracts/broken.csv", broken()), /source broke/);
    assert.equal(fake.objects.has("extracts/broken.csv"), false);
  });

  it("lists by prefix page by page, sorted, without folder placeholders", async () => {
    const fake = new FakeGcs();
    for (const name of ["a/3", "a/1", "a/2", "a/", "a/4", "a/5", "b/1"]) fake.put(name, "x");
    const bucket = new GcsBucket(fake, { clock, listPageSize: 2 });
    assert.deepEqual(await bucket.list("a/"), ["a/1", "a/2", "a/3", "a/4", "a/5"]);
    assert.deepEqual(
      fake.listQueries.map((query) => [query.prefix, query.maxResults, query.pageToken, query.autoPaginate]),
      [
        ["a/", 2, undefined, false],
        ["a/", 2, "2", false],
        ["a/", 2, "4", false],
      ],
    );
  });

  it("replaces latest/ with a server-side copy", async () => {
    const fake = new FakeGcs();
    fake.put("extracts/daily_kpis/dt=2026-11-21/daily_kpis.csv", "new");
    fake.put("extracts/latest/daily_kpis.csv", "old");
    const bucket = new GcsBucket(fake, { clock });
    await bucket.copy("extracts/daily_kpis/dt=2026-11-21/daily_kpis.csv", "extracts/latest/daily_kpis.csv");
    assert.equal(fake.objects.get("extracts/latest/daily_kpis.csv")?.data.toString(), "new");
    assert.deepEqual(fake.calls.at(-1), {
      op: "copy",
      path: "extracts/daily_kpis/dt=2026-11-21/daily_kpis.csv",
      options: "extracts/latest/daily_kpis.csv",
    });
  });

  it("signs v4 read links that expire within 7 days, and refuses longer ones", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock, linkTtlSeconds: 3 * 24 * 3600 });
    assert.match(
      await bucket.linkFor("reports/dt=2026-11-21/deck.pptx"),
      /^https:\/\/storage\.googleapis\.com\//,
    );
    assert.deepEqual(fake.calls.at(-1)?.options, {
      version: "v4",
      action: "read",
      expires: NOW.getTime() + 3 * 24 * 3600 * 1000,
    });
    const defaults = new GcsBucket(fake, { clock });
    await defaults.linkFor("reports/deck.pptx");
    const { expires } = fake.calls.at(-1)?.options as { expires: number };
    assert.ok(expires - NOW.getTime() <= 7 * 24 * 3600 * 1000);
    assert.throws(() => new GcsBucket(fake, { linkTtlSeconds: 7 * 24 * 3600 + 1 }), /7 days/);
    await assert.rejects(defaults.linkFor("reports/deck.pptx", 8 * 24 * 3600), /7 days/);
  });

  it("offers compare-and-swap on generations for ledger updates", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    await bucket.write("runs/claim.json", "stale");
    const read = await bucket.readVersioned("runs/claim.json");
    assert.equal(read?.data.toString(), "stale");
    assert.equal(await bucket.replaceIfGeneration("runs/claim.json", "mine", read?.generation ?? ""), true);
    assert.equal(await bucket.replaceIfGeneration("runs/claim.json", "late", read?.generation ?? ""), false);
    const current = await bucket.readVersioned("runs/claim.json");
    assert.equal(await bucket.deleteIfGeneration("runs/claim.json", read?.generation ?? ""), false);
    assert.equal(await bucket.deleteIfGeneration("runs/claim.json", current?.generation ?? ""), true);
    assert.equal(await bucket.readVersioned("runs/claim.json"), undefined);
    assert.deepEqual(
      fake.calls.filter((call) => call.op === "delete").map((call) => call.options),
      [{ ifGenerationMatch: read?.generation }, { ifGenerationMatch: current?.generation }],
    );
  });

  it("reads a range of one generation: metadata, then only those bytes; a replaced object reads as undefined", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    const text = "date,orders\n2026-11-20,300\n2026-11-21,310\n";
    fake.put("extracts/daily_kpis/dt=2026-11-21/daily_kpis.csv", text);
    const path = "extracts/daily_kpis/dt=2026-11-21/daily_kpis.csv";
    const generation = String(fake.objects.get(path)?.generation);
    const tail = await bucket.readRange(path, 27, 1000);
    assert.deepEqual(tail, { data: Buffer.from("2026-11-21,310\n"), size: text.length, generation });
    // The bytes asked for, of the generation the metadata named: end included in the library's terms.
    assert.deepEqual(fake.calls.slice(-2), [
      { op: "getMetadata", path, options: undefined },
      { op: "download", path, options: { generation, start: 27, end: text.length - 1 } },
    ]);
    assert.equal((await bucket.readRange(path, 0, 4, generation))?.data.toString(), "date");
    // Past the end: no download at all.
    const calls = fake.calls.length;
    assert.deepEqual(await bucket.readRange(path, 500, 600), {
      data: Buffer.alloc(0),
      size: text.length,
      generation,
    });
    assert.deepEqual(
      fake.calls.slice(calls).map((call) => call.op),
      ["getMetadata"],
    );
    fake.put(path, text.replace("310", "311"));
    assert.equal(await bucket.readRange(path, 0, 4, generation), undefined, "that generation was replaced");
    assert.equal(await bucket.readRange("extracts/missing.csv", 0, 4), undefined);
  });

  it("streams an object in chunks without downloading it whole, and names a missing one", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    const big = Buffer.alloc(300_000);
    for (let index = 0; index < big.length; index++) big[index] = (index * 31 + (index >> 9)) % 251;
    fake.put("raw/received/drop.csv", big);
    const chunks: Uint8Array[] = [];
    for await (const chunk of bucket.readStream("raw/received/drop.csv")) chunks.push(chunk);
    assert.ok(chunks.length > 1, "more than one chunk");
    assert.ok(chunks.every((chunk) => chunk.length <= 65_536));
    assert.ok(Buffer.concat(chunks).equals(big));
    assert.deepEqual(
      fake.calls.map((call) => call.op),
      ["createReadStream"],
      "a stream, never a whole download",
    );
    await assert.rejects(async () => {
      for await (const chunk of bucket.readStream("raw/received/missing.csv"))
        assert.fail(String(chunk.length));
    }, /Cloud Storage reading gs:\/\/pulse-shop\/raw\/received\/missing\.csv failed: No such object/);
  });

  it("composes up to 32 objects in one request, with the content type asked for", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    fake.put("state/h.csv", "date,orders\n");
    fake.put("state/m1.csv", "2026-10-31,300\n");
    fake.put("state/m2.csv", "2026-11-01,310\n");
    await bucket.compose(["state/h.csv", "state/m1.csv", "state/m2.csv"], "extracts/x/dt=2026-11-21/x.csv", {
      contentType: "text/csv; charset=utf-8",
    });
    const stored = fake.objects.get("extracts/x/dt=2026-11-21/x.csv");
    assert.equal(stored?.data.toString(), "date,orders\n2026-10-31,300\n2026-11-01,310\n");
    assert.equal(stored?.contentType, "text/csv; charset=utf-8");
    assert.deepEqual(
      fake.calls.filter((call) => call.op === "combine").map((call) => call.options),
      [{ sources: ["state/h.csv", "state/m1.csv", "state/m2.csv"], contentType: "text/csv; charset=utf-8" }],
    );
  });

  it("composes more than 32 objects through intermediates, then deletes them", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    // 1 header + 70 months: 71 sources, so 3 groups (32, 32, 7) and a final request over the 3 intermediates.
    const sources = Array.from(
      { length: 71 },
      (_, index) => `state/part-${String(index).padStart(3, "0")}.csv`,
    );
    sources.forEach((source, index) => fake.put(source, `${index}\n`));
    await bucket.compose(sources, "extracts/big/dt=2026-11-21/big.csv", { contentType: "text/csv" });
    const expected = Array.from({ length: 71 }, (_, index) => `${index}\n`).join("");
    assert.equal(fake.objects.get("extracts/big/dt=2026-11-21/big.csv")?.data.toString(), expected);
    const combines = fake.calls.filter((call) => call.op === "combine");
    const groups = combines.map((call) => (call.options as { sources: string[] }).sources);
    assert.deepEqual(
      groups.map((group) => group.length),
      [32, 32, 7, 3],
    );
    assert.deepEqual(groups[0], sources.slice(0, 32));
    assert.deepEqual(groups[2], sources.slice(64));
    // The last request composes exactly the three intermediates, in order, into the destination.
    assert.deepEqual(
      groups[3],
      combines.slice(0, 3).map((call) => call.path),
    );
    assert.equal(combines[3]?.path, "extracts/big/dt=2026-11-21/big.csv");
    // No intermediate is left behind, and only the destination and the sources remain.
    assert.deepEqual(
      [...fake.objects.keys()].sort(),
      [...sources, "extracts/big/dt=2026-11-21/big.csv"].sort(),
    );
    assert.deepEqual(
      fake.calls.filter((call) => call.op === "delete").map((call) => call.path),
      combines.slice(0, 3).map((call) => call.path),
    );
  });

  it("deletes the intermediates when a compose request fails", async () => {
    const fake = new FakeGcs();
    const bucket = new GcsBucket(fake, { clock });
    const sources = Array.from({ length: 40 }, (_, index) => `state/p${index}.csv`);
    // The 40th source is missing: the second group's request fails (404) after the first one succeeded.
    sources.slice(0, 39).forEach((source) => fake.put(source, "x"));
    await assert.rejects(bucket.compose(sources, "extracts/y.csv"), /composing/);
    assert.deepEqual([...fake.objects.keys()].sort(), sources.slice(0, 39).sort());
  });

  it("names the bucket and the role when access is denied", async () => {
    const fake = new FakeGcs();
    fake.deny = true;
    await assert.rejects(
      new GcsBucket(fake, { clock }).write("runs/x.json", "{}"),
      /denied writing gs:\/\/pulse-shop\/runs\/x\.json.*roles\/storage\.objectAdmin on bucket pulse-shop/,
    );
  });

  it("leaves what a retry can fix to Pub/Sub's retry: a dropped connection, an upload's 503; never a denial", async () => {
    // As @google-cloud/storage reports a failure it does not retry itself (it retries no write without a
    // precondition): a JSON API error with the HTTP status as `code`; a resumable upload's gaxios error with it as
    // `status`; a connection that dropped before any answer with Node's socket error code.
    const cases: { error: Error; transient: boolean }[] = [
      { error: apiError(503, "Service Unavailable"), transient: true },
      {
        error: Object.assign(
          new Error("request to https://storage.googleapis.com failed, reason: socket hang up"),
          {
            code: "ECONNRESET",
          },
        ),
        transient: true,
      },
      {
        error: Object.assign(new Error("Service Unavailable"), { status: 503, response: { status: 503 } }),
        transient: true,
      },
      { error: apiError(429, "The rate of change requests to the object is too high"), transient: true },
      { error: apiError(400, "Invalid argument"), transient: false },
      {
        error: Object.assign(new Error("Forbidden"), { status: 403, response: { status: 403 } }),
        transient: false,
      },
    ];
    for (const { error, transient } of cases) {
      const fake = new FakeGcs();
      fake.uploadError = error;
      const bucket = new GcsBucket(fake, { clock });
      const writes: [string, () => Promise<unknown>][] = [
        ["write", () => bucket.write("runs/dt=2026-11-21/steps/export.json", "{}")],
        ["writeStream", () => bucket.writeStream("extracts/latest/daily_kpis.csv", Readable.from(["a,b\n"]))],
      ];
      for (const [method, write] of writes) {
        const failure = await write().then(
          () => assert.fail(`${method} succeeded`),
          (caught: unknown) => caught,
        );
        assert.equal(isTransient(failure), transient, `${method}: ${error.message}`);
      }
    }
  });
});
