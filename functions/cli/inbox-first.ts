// A run without --date when files wait in the inbox (or no order was loaded yet): which day to report on is the
// newest of the orders the files hold, which only loading them can tell. So ingest runs alone first, for
// yesterday, and the chosen day's run follows. What the load found of the files (a quarantined row, a file that
// failed, a time zone that does not fit) belongs to that day's run: its ingest carries it, so that the day's
// alerts, findings extract and email say so, and yesterday is left as it was before the load. Until that day's
// ingest has run with them, they wait in the bucket (state/inbox-load.json): a process that dies between the load
// and the day's run leaves them there, and the next run takes them up.
import { z } from "zod";
import { FolderBucket } from "../adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import {
  FILE_DROP_METRICS,
  type FileDropMetrics,
  fileDropsSummary,
  isFileDropFinding,
} from "../ingest/step.ts";
import { INBOX_LOAD_STATE_PATH } from "../lib/bucket-layout.ts";
import { yesterdayIn } from "../lib/calendar.ts";
import { type LocalRunReport, runLocally } from "../runtime/local-run.ts";
import { STEP_FUNCTIONS, type StepFunctionOverrides } from "../runtime/step-handlers.ts";
import type { PulseConfig } from "../shared/config.ts";
import type { Finding } from "../shared/findings.ts";
import { Ledger } from "../shared/ledger.ts";
import type { Bucket } from "../shared/ports.ts";
import { newRunId, parseRunMessage } from "../shared/run-message.ts";
import { describeCorrupt, readStateFile } from "../shared/state-file.ts";
import { latestCompleteDay } from "./demo-data.ts";

/** What the inbox's load found of its files, for the chosen day's ingest to report as its own. */
export interface CarriedDrops {
  findings: Finding[];
  metrics: FileDropMetrics;
  /** The files as received and their quarantined rows (bucket paths). */
  outputs: string[];
}

/**
 * A load whose day has not run with it yet: the day, whether that run must redo a day already done (the files
 * may correct it), and what the load found.
 */
export interface PendingInboxLoad {
  day: string;
  force: boolean;
  carried: CarriedDrops;
}

/** Whether raw.shopify_orders holds an order (latestCompleteDay has a day to give). */
export async function hasOrders(warehouse: DuckDbWarehouse, config: PulseConfig): Promise<boolean> {
  return latestCompleteDay(warehouse, config).then(
    () => true,
    () => false,
  );
}

/**
 * Ingest alone first, for yesterday (it lands every dropped file whatever its days; forced, as yesterday's ingest
 * may have run already), then the newest complete day of the orders loaded (yesterday still, when there are none).
 * Returns the day and what the load found of the files, or the ingest's report when it did not succeed. When the
 * day is not yesterday, yesterday's ingest record is put back as it was: left, the load's record made a later run
 * of yesterday skip its ingest as done (its connectors unpulled, its files unread).
 */
export async function loadInboxFirst(
  config: PulseConfig,
  /** The command line's run options (validated with the message). */
  options: object,
  ports: Parameters<typeof runLocally>[2] & { warehouse: DuckDbWarehouse },
  write: (line: string) => void,
  inbox: { firstLoad: boolean; waiting: number },
): Promise<PendingInboxLoad | LocalRunReport> {
  const yesterday = yesterdayIn(new Date(), config.shop.timezone);
  write(
    inbox.firstLoad
      ? "No orders loaded yet: loading the inbox first, then reporting on the newest day of its orders."
      : `${inbox.waiting} file(s) in the inbox: loading them first, then running the newest day of the orders again, every step.`,
  );
  const ingest = parseRunMessage({
    runDate: yesterday,
    runId: newRunId("cli", new Date()),
    trigger: "cli",
    options: { ...options, to: "ingest", force: true },
  });
  const bucket = new FolderBucket(config.local.bucketDir);
  const ledger = new Ledger(bucket);
  const before = await ledger.read(yesterday, "ingest");
  const report = await runLocally(config, ingest, ports);
  if (report.failures.length || report.notDone.length) return report;
  const load = report.records.find((record) => record.step === "ingest" && record.runId === ingest.runId);
  const carried = carriedDrops(load?.findings ?? [], load?.metrics ?? {}, load?.outputs ?? []);
  // One query: latestCompleteDay throws when there is no order.
  const newest = await latestCompleteDay(ports.warehouse, config).catch(() => undefined);
  const day = newest ?? yesterday;
  if (newest) {
    write(`Orders loaded up to ${day}: reporting on ${day}; pass --date YYYY-MM-DD for another day.`);
  } else {
    write(
      `The inbox held no orders: reporting on ${yesterday} (yesterday); pass --date YYYY-MM-DD for another day.`,
    );
  }
  // Kept before yesterday is put back: a process that dies in between leaves the findings twice, never nowhere. A
  // load that did not reach its day's run before this one is carried along, to this load's day.
  const pending = joinPendingLoads(await readPendingLoad(bucket, write), {
    day,
    force: inbox.waiting > 0,
    carried,
  });
  await savePendingLoad(bucket, pending);
  if (day !== yesterday) {
    if (before) await ledger.write(before);
    else await ledger.remove(yesterday, "ingest");
  }
  return pending;
}

/** What state/inbox-load.json must hold: a file that does not is set aside, as a torn write would leave it. */
const PENDING_LOAD_SCHEMA = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  force: z.boolean(),
  carried: z.object({
    findings: z.array(z.object({ check: z.string(), severity: z.string(), message: z.string() })),
    metrics: z.object(
      Object.fromEntries(FILE_DROP_METRICS.map((name) => [name, z.number().finite()])) as Record<
        (typeof FILE_DROP_METRICS)[number],
        z.ZodNumber
      >,
    ),
    outputs: z.array(z.string()),
  }),
});

/** The load waiting for its day's run, if any (an unreadable state file is set aside, and said). */
export async function readPendingLoad(
  bucket: Bucket,
  write: (line: string) => void,
): Promise<PendingInboxLoad | undefined> {
  const read = await readStateFile<PendingInboxLoad>(bucket, INBOX_LOAD_STATE_PATH, (value) => {
    const parsed = PENDING_LOAD_SCHEMA.safeParse(value);
    const issue = parsed.error?.issues[0];
    return issue && `${issue.path.join(".") || "the file"}: ${issue.message}`;
  });
  if (read.corrupt) write(`Warning: ${describeCorrupt(read.corrupt)}.`);
  return read.value;
}

export async function savePendingLoad(bucket: Bucket, pending: PendingInboxLoad): Promise<void> {
  await bucket.write(INBOX_LOAD_STATE_PATH, `${JSON.stringify(pending, null, 1)}\n`, {
    contentType: "application/json",
  });
}

/**
 * Forgets the pending load once its day's ingest has run with it (this run's record of it succeeded); otherwise
 * it waits for the next run of the day.
 */
export async function settlePendingLoad(
  bucket: Bucket,
  pending: PendingInboxLoad,
  report: LocalRunReport,
  runId: string,
): Promise<void> {
  const ingested = report.records.some(
    (record) =>
      record.step === "ingest" &&
      record.runDate === pending.day &&
      record.runId === runId &&
      record.status === "succeeded",
  );
  if (ingested) await bucket.delete(INBOX_LOAD_STATE_PATH);
}

/** An earlier load that never reached its day's run, joined to a later one: the later day, both loads' drops. */
export function joinPendingLoads(
  earlier: PendingInboxLoad | undefined,
  later: PendingInboxLoad,
): PendingInboxLoad {
  if (!earlier) return later;
  return {
    day: later.day,
    force: earlier.force || later.force,
    carried: {
      findings: [...earlier.carried.findings, ...later.carried.findings],
      metrics: addDropMetrics(earlier.carried.metrics, later.carried.metrics),
      outputs: [...earlier.carried.outputs, ...later.carried.outputs],
    },
  };
}

/** The file drops' findings, metrics and files of the load's ingest record. */
export function carriedDrops(
  findings: readonly Finding[],
  metrics: Record<string, number>,
  outputs: readonly string[],
): CarriedDrops {
  return {
    findings: findings.filter(isFileDropFinding),
    metrics: Object.fromEntries(
      FILE_DROP_METRICS.map((name) => [name, metrics[name] ?? 0]),
    ) as FileDropMetrics,
    outputs: [...outputs],
  };
}

/**
 * The chosen day's ingest, with the load's file drops added to its own (the inbox is empty by then): their
 * findings, their counts in its metrics and summary, their files in its outputs. A day whose ingest is already
 * done (the load itself, when the day is yesterday) keeps its record.
 */
export function carryInboxLoad(carried: CarriedDrops): StepFunctionOverrides {
  return {
    ingest: async (context) => {
      const result = await STEP_FUNCTIONS.ingest(context);
      const own = Object.fromEntries(
        FILE_DROP_METRICS.map((name) => [name, Number(result.metrics?.[name] ?? 0)]),
      ) as FileDropMetrics;
      const both = addDropMetrics(own, carried.metrics);
      return {
        ...result,
        findings: [...carried.findings, ...(result.findings ?? [])],
        metrics: { ...result.metrics, ...both },
        outputs: [...carried.outputs, ...(result.outputs ?? [])],
        summary: result.summary?.replace(fileDropsSummary(own), fileDropsSummary(both)),
      };
    },
  };
}

/** Two sets of file-drop counts, summed count by count. */
function addDropMetrics(one: FileDropMetrics, other: FileDropMetrics): FileDropMetrics {
  return Object.fromEntries(
    FILE_DROP_METRICS.map((name) => [name, one[name] + other[name]]),
  ) as FileDropMetrics;
}
