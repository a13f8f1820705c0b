// The report data a run's deck was built from, kept in the bucket for the same run's summary email. Both show the
// same numbers by construction, and the email costs no second round of warehouse queries: on BigQuery that is a
// dozen and a half jobs, each with its own latency and its 10 MB minimum per table read.
import { reportDataPath } from "../bucket-layout.ts";
import { type CorruptState, describeCorrupt, objectWith, readStateFile } from "../../shared/state-file.ts";
import type { Bucket } from "../../shared/ports.ts";
import type { ReportData } from "./report-data.ts";

/** The report data without its links: the deck's own link is only known once the deck is written. */
export type ReportSnapshotData = Omit<ReportData, "links">;

interface ReportSnapshot {
  runId: string;
  runDate: string;
  /**
   * The code that wrote it (PULSE_CODE_VERSION): a deploy between a run's report and its notify may change the
   * data's shape.
   */
  codeVersion: string;
  data: ReportSnapshotData;
}

/** Whose report data it is: the run (date and id) and the code's version. */
export interface SnapshotOwner {
  runId: string;
  codeVersion: string;
}

/**
 * The data as JSON, or undefined when JSON would not carry it as it is: a number that is not finite would come
 * back as null, and the email would then show what the deck did not.
 */
function snapshotJson(snapshot: ReportSnapshot): string | undefined {
  let exact = true;
  const json = JSON.stringify(snapshot, (_key, value: unknown) => {
    if (typeof value === "number" && !Number.isFinite(value)) exact = false;
    return value;
  });
  return exact ? json : undefined;
}

/** Keeps what this run's deck was built from. Returns whether it was kept (see snapshotJson). */
export async function saveReportSnapshot(
  bucket: Bucket,
  owner: SnapshotOwner,
  data: ReportData,
): Promise<boolean> {
  const { links: _links, ...rest } = data;
  const json = snapshotJson({ ...owner, runDate: data.runDate, data: rest });
  if (json === undefined) {
    // A stale snapshot of an earlier run of the date would only be skipped (another runId): removing it is tidier.
    await bucket.delete(reportDataPath(data.runDate));
    return false;
  }
  await bucket.write(reportDataPath(data.runDate), json, { contentType: "application/json" });
  return true;
}

export interface SnapshotRead {
  data?: ReportSnapshotData;
  /** Why there is none to use (absent, another run's, unreadable). */
  reason?: string;
  /** The file was unreadable and set aside. */
  corrupt?: CorruptState;
}

/**
 * The report data the report step of this very run (same run date and run id) kept, with this code. Another run's
 * is not used: the warehouse may have changed since (a re-run, a backfill), and the email would then disagree
 * with a re-query. Another code's is not used either: its data may lack what this code's email reads.
 */
export async function readReportSnapshot(
  bucket: Bucket,
  runDate: string,
  owner: SnapshotOwner,
): Promise<SnapshotRead> {
  const read = await readStateFile<ReportSnapshot>(
    bucket,
    reportDataPath(runDate),
    objectWith("runId", "runDate", "codeVersion", "data"),
  );
  if (read.corrupt) return { reason: describeCorrupt(read.corrupt), corrupt: read.corrupt };
  const snapshot = read.value;
  if (!snapshot) return { reason: "the report step kept none" };
  if (snapshot.runId !== owner.runId || snapshot.runDate !== runDate) {
    return { reason: `it is run ${snapshot.runId}'s, not this run's (${owner.runId})` };
  }
  if (snapshot.codeVersion !== owner.codeVersion) {
    return {
      reason: `another version of the code wrote it (${snapshot.codeVersion || "unversioned"}, this is ${owner.codeVersion || "unversioned"})`,
    };
  }
  return { data: snapshot.data };
}
