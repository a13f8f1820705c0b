// The run ledger: one JSON record per (run date, step) in the bucket under runs/dt=YYYY-MM-DD/, written by the
// step that ran, read by the CLI, the report, the email and the tests. It is also what de-duplicates deliveries.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { stepClaimPath, stepRecordPath, stepRecordsPrefix } from "../lib/bucket-layout.ts";
import type { Finding } from "./findings.ts";
import type { StepName } from "./pipeline.ts";
import type { Bucket } from "./ports.ts";
import { type CorruptState, describeCorrupt, objectWith, readStateFile } from "./state-file.ts";

export type StepStatus = "running" | "succeeded" | "failed" | "blocked" | "skipped";

export interface StepRecord {
  runDate: string;
  step: StepName;
  runId: string;
  status: StepStatus;
  /** How many times this (run date, step) has been executed, replacements included. */
  attempt: number;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  /** Row counts by table or output name. */
  rows: Record<string, number>;
  /** Paths (in the bucket or outbox) of what the step made. */
  outputs: string[];
  findings: Finding[];
  /** Free-form measures worth keeping (engine time, bytes, counts). */
  metrics: Record<string, number>;
  summary?: string;
  error?: string;
  /** A failure's re-run, when it starts at another step than this one (PermanentStepError.rerun). */
  rerun?: { from: StepName; force: boolean };
  skipReason?: string;
}

/**
 * A claim on (run date, step) is a lease: it names its holder and expires unless the holder renews it while the
 * step runs. A claim whose lease expired, or whose holder process is gone (on a machine-scoped bucket, where the
 * process id proves it), is dead and taken over at once.
 */
export interface Claim {
  runId: string;
  /** Unique per acquisition: tells this holder's claim from a later one of the same run id. */
  token: string;
  holder: { host: string; pid: number };
  claimedAt: string;
  expiresAt: string;
}

/** How long a claim lives without renewal, and how often its holder renews it. */
export const LEASE_MS = 60_000;
export const LEASE_RENEW_EVERY_MS = 15_000;

/** Leases held by this process, by token: a claim naming this process but not listed here was abandoned. */
const heldHere = new Set<string>();

export class CorruptStateError extends Error {
  override name = "CorruptStateError";
}

export type ClaimResult =
  { acquired: true; lease: Lease } | { acquired: false; holder: Claim | undefined; reason: string };

/** A held claim: renewed in the background until released. */
export class Lease {
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();
  /** Set when a renewal found the claim changed under us (only possible after this process stalled past expiry). */
  lost = false;

  constructor(
    private readonly bucket: Bucket,
    readonly path: string,
    private claim: Claim,
    private generation: string,
    private readonly clock: () => Date,
    private readonly onLost: (reason: string) => void,
  ) {
    heldHere.add(claim.token);
  }

  get token(): string {
    return this.claim.token;
  }

  startRenewing(everyMs: number = LEASE_RENEW_EVERY_MS, leaseMs: number = LEASE_MS): void {
    this.timer = setInterval(() => {
      this.renewing = this.renew(leaseMs).then(
        () => undefined,
        (error: unknown) => {
          this.onLost(`renewing the claim failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    }, everyMs);
    this.timer.unref();
  }

  async renew(leaseMs: number = LEASE_MS): Promise<boolean> {
    if (this.lost) return false;
    const renewed: Claim = {
      ...this.claim,
      expiresAt: new Date(this.clock().getTime() + leaseMs).toISOString(),
    };
    const body = JSON.stringify(renewed);
    if (!(await this.bucket.replaceIfGeneration(this.path, body, this.generation, JSON_OPTIONS))) {
      this.lost = true;
      this.onLost("the claim was taken over by another delivery");
      return false;
    }
    const current = await this.bucket.readVersioned(this.path);
    if (current && parseClaim(current.data)?.token === renewed.token) {
      this.claim = renewed;
      this.generation = current.generation;
    }
    return true;
  }

  /** Stops renewing and deletes the claim, only if it is still this lease's generation. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    heldHere.delete(this.claim.token);
    if (!this.lost) await this.bucket.deleteIfGeneration(this.path, this.generation);
  }
}

const JSON_OPTIONS = { contentType: "application/json" };

function parseClaim(body: Buffer): Claim | undefined {
  try {
    const claim = JSON.parse(body.toString("utf8")) as Partial<Claim>;
    if (
      typeof claim.runId !== "string" ||
      typeof claim.token !== "string" ||
      typeof claim.expiresAt !== "string" ||
      Number.isNaN(Date.parse(claim.expiresAt)) ||
      typeof claim.holder?.host !== "string" ||
      typeof claim.holder.pid !== "number"
    ) {
      return undefined;
    }
    return claim as Claim;
  } catch {
    return undefined;
  }
}

/** Why a claim no longer holds, or undefined while it does. */
export function deadClaimReason(
  claim: Claim,
  now: Date,
  scope: Bucket["scope"],
  here: { host: string; pid: number; isAlive: (pid: number) => boolean },
): string | undefined {
  if (Date.parse(claim.expiresAt) <= now.getTime()) return `its lease expired at ${claim.expiresAt}`;
  if (scope !== "machine" || claim.holder.host !== here.host) return undefined;
  if (claim.holder.pid === here.pid) {
    return heldHere.has(claim.token) ? undefined : "this process holds it no more (abandoned after an error)";
  }
  return here.isAlive(claim.holder.pid) ? undefined : `its holder, process ${claim.holder.pid}, is gone`;
}

/** Whether a process with this id runs on this machine (EPERM: it runs, under another user). */
export function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class Ledger {
  /** @param onCorrupt told about a record that was unreadable and set aside (the step then runs again). */
  constructor(
    private readonly bucket: Bucket,
    private readonly onCorrupt: (corrupt: CorruptState) => void = (corrupt) =>
      process.stderr.write(`${describeCorrupt(corrupt)}\n`),
  ) {}

  /**
   * Reads one record. A record that is not valid JSON (a torn or emptied file) is set aside as
   * <name>.corrupt-<timestamp> and reported as absent, so the step runs again and writes it anew.
   */
  async read(runDate: string, step: StepName): Promise<StepRecord | undefined> {
    return this.readRecord(stepRecordPath(runDate, step));
  }

  private async readRecord(path: string): Promise<StepRecord | undefined> {
    const read = await readStateFile<StepRecord>(this.bucket, path, objectWith("runDate", "step", "status"));
    if (read.corrupt) this.onCorrupt(read.corrupt);
    return read.value;
  }

  async readAll(runDate: string): Promise<StepRecord[]> {
    const paths = await this.bucket.list(stepRecordsPrefix(runDate));
    const records: StepRecord[] = [];
    for (const path of paths.filter((candidate) => candidate.endsWith(".json"))) {
      const record = await this.readRecord(path);
      if (record) records.push(record);
    }
    return records;
  }

  /** Removes one record: the step counts as never run for the date. */
  async remove(runDate: string, step: StepName): Promise<void> {
    await this.bucket.delete(stepRecordPath(runDate, step));
  }

  async write(record: StepRecord): Promise<string> {
    const path = stepRecordPath(record.runDate, record.step);
    await this.bucket.write(path, `${JSON.stringify(record, null, 2)}\n`, JSON_OPTIONS);
    return path;
  }

  /**
   * Claims (run date, step) for one execution. Exactly one concurrent delivery wins: creating the claim is
   * create-if-absent, and taking over a dead one replaces exactly the generation that was judged dead.
   */
  async claim(
    runDate: string,
    step: StepName,
    runId: string,
    clock: () => Date,
    onLost: (reason: string) => void = () => {},
    leaseMs: number = LEASE_MS,
  ): Promise<ClaimResult> {
    const path = stepClaimPath(runDate, step);
    const here = { host: hostname(), pid: process.pid, isAlive: processIsAlive };
    for (let tries = 0; tries < 5; tries += 1) {
      const now = clock();
      const claim: Claim = {
        runId,
        token: randomUUID(),
        holder: { host: here.host, pid: here.pid },
        claimedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + leaseMs).toISOString(),
      };
      const body = JSON.stringify(claim);
      let won = await this.bucket.createIfAbsent(path, body, JSON_OPTIONS);
      if (!won) {
        const existing = await this.bucket.readVersioned(path);
        if (!existing) continue; // released in between: try to create it again
        const current = parseClaim(existing.data);
        const dead = current
          ? deadClaimReason(current, now, this.bucket.scope, here)
          : "it is unreadable (corrupt or empty)";
        if (!dead) return { acquired: false, holder: current, reason: describeHolder(current) };
        won = await this.bucket.replaceIfGeneration(path, body, existing.generation, JSON_OPTIONS);
        if (!won) continue; // someone else took it over first: look again
      }
      const mine = await this.bucket.readVersioned(path);
      if (!mine || parseClaim(mine.data)?.token !== claim.token) continue;
      return { acquired: true, lease: new Lease(this.bucket, path, claim, mine.generation, clock, onLost) };
    }
    return { acquired: false, holder: undefined, reason: "the claim kept changing under contention" };
  }

  /** The current claim on (run date, step), if any and alive. */
  async liveClaim(runDate: string, step: StepName, now: Date): Promise<Claim | undefined> {
    const existing = await this.bucket.readVersioned(stepClaimPath(runDate, step));
    const claim = existing && parseClaim(existing.data);
    if (!claim) return undefined;
    const here = { host: hostname(), pid: process.pid, isAlive: processIsAlive };
    return deadClaimReason(claim, now, this.bucket.scope, here) ? undefined : claim;
  }

  /** All findings recorded so far for the run date, from every step. */
  async findings(runDate: string): Promise<Finding[]> {
    return (await this.readAll(runDate)).flatMap((record) => record.findings);
  }
}

function describeHolder(claim: Claim | undefined): string {
  if (!claim) return "another delivery holds it";
  return `run ${claim.runId} holds it (process ${claim.holder.pid} on ${claim.holder.host}, lease until ${claim.expiresAt})`;
}
