// Claims as leases under concurrency: Cloud Storage's generation semantics simulated in memory (every request
// takes a random number of event-loop turns, so concurrent deliveries interleave at every await), and the
// folder bucket's emulated generations raced by real processes.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import {
  GcsBucket,
  type GcsBucketHandle,
  type GcsFile,
  type GcsUploadOptions,
} from "../../functions/adapters/bucket/gcs-bucket.ts";
import { stepClaimPath } from "../../functions/lib/bucket-layout.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import type { Bucket } from "../../functions/shared/ports.ts";

function apiError(code: number): Error {
  return Object.assign(new Error(code === 412 ? "Precondition Failed" : "No such object"), { code });
}

/** Cloud Storage's object semantics: a generation per write, preconditions checked atomically, random latency. */
class SimulatedGcs implements GcsBucketHandle {
  readonly name = "pulse-sim";
  private readonly objects = new Map<string, { data: Buffer; generation: number }>();
  private generation = 1000;

  private async latency(): Promise<void> {
    const turns = Math.floor(Math.random() * 4);
    for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  }

  private check(path: string, precondition: number | string | undefined): void {
    if (precondition === undefined) return;
    if ((this.objects.get(path)?.generation ?? 0) !== Number(precondition)) throw apiError(412);
  }

  async combine(): Promise<never> {
    throw new Error("not used by claims");
  }

  file(path: string, options?: { generation?: number | string }): GcsFile {
    const unused = async (): Promise<never> => {
      throw new Error("not used by claims");
    };
    return {
      name: path,
      save: async (data: string | Uint8Array, opts?: GcsUploadOptions) => {
        await this.latency();
        this.check(path, opts?.preconditionOpts?.ifGenerationMatch);
        this.generation += 1;
        this.objects.set(path, { data: Buffer.from(data), generation: this.generation });
        await this.latency();
      },
      download: async (): Promise<[Buffer]> => {
        await this.latency();
        const stored = this.objects.get(path);
        if (
          !stored ||
          (options?.generation !== undefined && String(stored.generation) !== String(options.generation))
        )
          throw apiError(404);
        return [stored.data];
      },
      getMetadata: async () => {
        await this.latency();
        const stored = this.objects.get(path);
        if (!stored) throw apiError(404);
        return [{ name: path, generation: String(stored.generation) }];
      },
      delete: async (opts?: { ignoreNotFound?: boolean; ifGenerationMatch?: number | string }) => {
        await this.latency();
        if (!this.objects.has(path)) {
          if (opts?.ignoreNotFound) return;
          throw apiError(404);
        }
        this.check(path, opts?.ifGenerationMatch);
        this.objects.delete(path);
      },
      createWriteStream: () => new Writable(),
      createReadStream: () => {
        throw new Error("not used by claims");
      },
      exists: async (): Promise<[boolean]> => [this.objects.has(path)],
      copy: unused,
      getSignedUrl: unused,
    };
  }

  async getFiles(): Promise<[{ name: string }[], null]> {
    return [[...this.objects.keys()].map((name) => ({ name })), null];
  }
}

const STALE_CLAIM = JSON.stringify({
  runId: "crashed",
  token: "t-crashed",
  holder: { host: "instance-that-died", pid: 1 },
  claimedAt: "2026-11-22T06:00:00.000Z",
  expiresAt: "2026-11-22T06:01:00.000Z",
});
const now = () => new Date("2026-11-22T07:00:00.000Z");

describe("claims as leases", () => {
  it("lets exactly one of eight concurrent deliveries take over a stale claim, over 300 trials (Cloud Storage semantics)", async () => {
    const trials = 300;
    const winnersPerTrial: number[] = [];
    for (let trial = 0; trial < trials; trial += 1) {
      const bucket = new GcsBucket(new SimulatedGcs());
      await bucket.write("runs/dt=2026-11-21/claims/transform.json", STALE_CLAIM);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, delivery) =>
          new Ledger(bucket).claim("2026-11-21", "transform", `delivery-${delivery}`, now),
        ),
      );
      winnersPerTrial.push(results.filter((result) => result.acquired).length);
      for (const result of results) if (result.acquired) await result.lease.release();
      assert.equal(await bucket.exists("runs/dt=2026-11-21/claims/transform.json"), false);
    }
    assert.deepEqual(
      winnersPerTrial.filter((winners) => winners !== 1),
      [],
      `trials without exactly one winner, of ${trials}`,
    );
  });

  it("releases only its own generation: a release after a takeover leaves the new holder's claim", async () => {
    const bucket = new GcsBucket(new SimulatedGcs());
    const ledger = new Ledger(bucket);
    const first = await ledger.claim("2026-11-21", "export", "first", now, () => {}, 1);
    assert.ok(first.acquired);
    // The first holder's 1 ms lease has expired by the time the second looks: it takes over.
    const later = () => new Date(now().getTime() + 1000);
    const second = await ledger.claim("2026-11-21", "export", "second", later);
    assert.ok(second.acquired);
    await first.lease.release();
    const claim = JSON.parse(
      (await bucket.read("runs/dt=2026-11-21/claims/export.json"))?.toString() ?? "{}",
    );
    assert.equal(claim.runId, "second");
    assert.equal(await first.lease.renew(), false, "the first lease knows it lost");
    await second.lease.release();
  });

  it("lives 60 s from when it is taken, names its holder, and is renewed every 15 s while held", async (t) => {
    // docs/reliability.md's numbers (Claims are leases), written out here rather than read from LEASE_MS.
    const bucket = new GcsBucket(new SimulatedGcs());
    let clock = now();
    const ledger = new Ledger(bucket);
    const held = await ledger.claim("2026-11-21", "export", "timed", () => clock);
    assert.ok(held.acquired);
    const stored = async () =>
      JSON.parse(String(await bucket.read(stepClaimPath("2026-11-21", "export")))) as {
        holder: { host: string; pid: number };
        claimedAt: string;
        expiresAt: string;
      };
    // Every simulated request settles within a few event-loop turns.
    const settle = async () => {
      for (let turn = 0; turn < 200; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    };
    assert.deepEqual(await stored(), {
      ...(await stored()),
      holder: { host: hostname(), pid: process.pid },
      claimedAt: "2026-11-22T07:00:00.000Z",
      expiresAt: "2026-11-22T07:01:00.000Z",
    });
    t.mock.timers.enable({ apis: ["setInterval"] });
    held.lease.startRenewing();
    clock = new Date(now().getTime() + 14_999);
    t.mock.timers.tick(14_999);
    await settle();
    assert.equal((await stored()).expiresAt, "2026-11-22T07:01:00.000Z", "not renewed before 15 s");
    clock = new Date(now().getTime() + 15_000);
    t.mock.timers.tick(1);
    await settle();
    assert.equal((await stored()).expiresAt, "2026-11-22T07:01:15.000Z", "renewed at 15 s, for 60 s more");
    clock = new Date(now().getTime() + 30_000);
    t.mock.timers.tick(15_000);
    await settle();
    assert.equal((await stored()).expiresAt, "2026-11-22T07:01:30.000Z", "and again 15 s later");
    await held.lease.release();
    assert.equal(await bucket.read(stepClaimPath("2026-11-21", "export")), undefined, "released");
  });

  it("renews a held lease so that it outlives its first expiry", async () => {
    const bucket = new GcsBucket(new SimulatedGcs());
    let clock = now();
    const ledger = new Ledger(bucket);
    const held = await ledger.claim(
      "2026-11-21",
      "report",
      "long",
      () => clock,
      () => {},
      60_000,
    );
    assert.ok(held.acquired);
    clock = new Date(now().getTime() + 50_000);
    assert.equal(await held.lease.renew(60_000), true);
    clock = new Date(now().getTime() + 90_000);
    const other = await ledger.claim("2026-11-21", "report", "other", () => clock);
    assert.equal(other.acquired, false, "a renewed lease is still alive past its first expiry");
    await held.lease.release();
  });
});

describe("the folder bucket's generations across processes", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-lease-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const child = (script: string): ChildProcess =>
    spawn(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: process.cwd(),
      stdio: ["pipe", "pipe", "inherit"],
    });
  const outputOf = (proc: ChildProcess) =>
    new Promise<string>((resolve, reject) => {
      let out = "";
      proc.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      proc.on("error", reject);
      proc.on("exit", () => resolve(out));
    });

  it("counts every increment made by four processes racing compare-and-swap on one object", async () => {
    const bucket: Bucket = new FolderBucket(root);
    await bucket.write("counter.txt", "0");
    const perProcess = 50;
    const script = `
      const { FolderBucket } = await import(${JSON.stringify(new URL("../../functions/adapters/bucket/folder-bucket.ts", import.meta.url).pathname)});
      const bucket = new FolderBucket(${JSON.stringify(root)});
      let retries = 0;
      for (let done = 0; done < ${perProcess}; ) {
        const current = await bucket.readVersioned("counter.txt");
        const next = String(Number(current.data.toString()) + 1);
        if (await bucket.replaceIfGeneration("counter.txt", next, current.generation)) done += 1; else retries += 1;
      }
      process.stdout.write(String(retries));`;
    const procs = Array.from({ length: 4 }, () => child(script));
    const outputs = await Promise.all(procs.map(outputOf));
    assert.equal(
      (await bucket.read("counter.txt"))?.toString(),
      String(4 * perProcess),
      `retries: ${outputs.join(",")}`,
    );
    assert.deepEqual(await bucket.list(""), ["counter.txt"], "no lock or temporary file is left behind");
  });

  it("lets exactly one of four processes take over each of 20 stale claims; a dead winner's claim is taken over", async () => {
    const trials = 20;
    const bucket: Bucket = new FolderBucket(root);
    for (let trial = 0; trial < trials; trial += 1)
      await bucket.write(`runs/dt=trial-${trial}/claims/transform.json`, STALE_CLAIM);
    const script = `
      const { FolderBucket } = await import(${JSON.stringify(new URL("../../functions/adapters/bucket/folder-bucket.ts", import.meta.url).pathname)});
      const { Ledger } = await import(${JSON.stringify(new URL("../../functions/shared/ledger.ts", import.meta.url).pathname)});
      const ledger = new Ledger(new FolderBucket(${JSON.stringify(root)}));
      const won = [];
      for (let trial = 0; trial < ${trials}; trial += 1) {
        const result = await ledger.claim("trial-" + trial, "transform", "p" + process.pid, () => new Date("2026-11-22T07:00:00Z"));
        if (result.acquired) won.push(trial);
      }
      process.stdout.write(JSON.stringify(won) + "\\n");
      // Stay alive (holding the claims) until the test has heard from every process.
      process.stdin.resume();
      process.stdin.on("end", () => process.exit(0));`;
    const procs = Array.from({ length: 4 }, () => child(script));
    const lines = await Promise.all(
      procs.map(
        (proc) =>
          new Promise<number[]>((resolve) => {
            let out = "";
            proc.stdout?.on("data", (chunk: Buffer) => {
              out += chunk.toString();
              if (out.includes("\n")) resolve(JSON.parse(out) as number[]);
            });
          }),
      ),
    );
    const exits = procs.map((proc) => new Promise((resolve) => proc.on("exit", resolve)));
    for (const proc of procs) proc.stdin?.end();
    await Promise.all(exits);
    const wins = lines.flat().sort((a, b) => a - b);
    assert.deepEqual(
      wins,
      Array.from({ length: trials }, (_, trial) => trial),
      "each claim won exactly once",
    );
    // Every winner has exited without releasing (as if killed): its claims are taken over at once.
    const taken = await new Ledger(bucket).claim("trial-0", "transform", "after", now);
    assert.equal(taken.acquired, true);
    if (taken.acquired) await taken.lease.release();
  });
});
