// The run ledger: one JSON record per (run date, step) in the bucket under runs/dt=YYYY-MM-DD/, written by the
// step that ran, read by the CLI, the report, the email and the tests. It is also what de-duplicates deliveries.
import { stepClaimPath, stepRecordPath, stepRecordsPrefix } from "../lib/bucket-layout.ts";
import type { Finding } from "./findings.ts";
import type { StepName } from "./pipeline.ts";
import type { Bucket } from "./ports.ts";

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
  skipReason?: string;
}

export interface Claim {
  runId: string;
  claimedAt: string;
}

export class Ledger {
  constructor(private readonly bucket: Bucket) {}

  async read(runDate: string, step: StepName): Promise<StepRecord | undefined> {
    const body = await this.bucket.read(stepRecordPath(runDate, step));
    return body ? (JSON.parse(body.toString("utf8")) as StepRecord) : undefined;
  }

  async readAll(runDate: string): Promise<StepRecord[]> {
    const paths = await this.bucket.list(stepRecordsPrefix(runDate));
    const records: StepRecord[] = [];
    for (const path of paths.filter((candidate) => candidate.endsWith(".json"))) {
      const body = await this.bucket.read(path);
      if (body) records.push(JSON.parse(body.toString("utf8")) as StepRecord);
    }
    return records;
  }

  async write(record: StepRecord): Promise<string> {
    const path = stepRecordPath(record.runDate, record.step);
    await this.bucket.write(path, `${JSON.stringify(record, null, 2)}\n`, {
      contentType: "application/json",
    });
    return path;
  }

  /**
   * Claims (run date, step) for one execution. Only one concurrent delivery wins; a claim older than
   * `staleAfterMs` (a crashed execution) is taken over.
   */
  async claim(
    runDate: string,
    step: StepName,
    runId: string,
    now: Date,
    staleAfterMs: number,
  ): Promise<boolean> {
    const path = stepClaimPath(runDate, step);
    const body = JSON.stringify({ runId, claimedAt: now.toISOString() } satisfies Claim);
    if (await this.bucket.createIfAbsent(path, body, { contentType: "application/json" })) return true;
    const existing = await this.bucket.read(path);
    if (!existing) return this.bucket.createIfAbsent(path, body);
    const claim = JSON.parse(existing.toString("utf8")) as Claim;
    if (now.getTime() - Date.parse(claim.claimedAt) < staleAfterMs) return false;
    await this.bucket.delete(path);
    return this.bucket.createIfAbsent(path, body, { contentType: "application/json" });
  }

  async release(runDate: string, step: StepName): Promise<void> {
    await this.bucket.delete(stepClaimPath(runDate, step));
  }

  /** All findings recorded so far for the run date, from every step. */
  async findings(runDate: string): Promise<Finding[]> {
    return (await this.readAll(runDate)).flatMap((record) => record.findings);
  }
}
