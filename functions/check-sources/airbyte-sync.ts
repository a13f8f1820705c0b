// Where the shop lands its data with Airbyte: a source check-sources found stale gets its Airbyte connection's sync
// started through Airbyte's API, and the job's status is reported as a finding, so that nobody has to start it by
// hand. At most one sync per source per run date: the job is kept in a marker (bucket-layout, airbyteSyncMarkerPath)
// and a re-run of the same day reports that job's status instead of starting another. Airbyte being down, refusing
// the token or already syncing is a warning that says what to do, never a critical finding: the stale source is
// already reported by the freshness check.
import { airbyteSyncMarkerPath } from "../lib/bucket-layout.ts";
import { type AirbyteJob, AirbyteApi } from "../lib/platform-apis/airbyte.ts";
import { type ApiIo, DEFAULT_IO, PlatformAuthError } from "../lib/platform-apis/http.ts";
import type { Finding } from "../shared/findings.ts";
import type { SourceName } from "../shared/raw-schemas.ts";
import { SOURCES } from "../shared/sources.ts";
import type { StepContext } from "../shared/step.ts";

export interface SyncMarker {
  runDate: string;
  source: SourceName;
  connectionId: string;
  jobId: number;
  /** "started": this pipeline started the job; "found": a sync was already running and is reported instead. */
  how: "started" | "found";
  at: string;
}

export interface AirbyteSyncResult {
  findings: Finding[];
  metrics: Record<string, number>;
}

const LABELS = new Map(SOURCES.map((source) => [source.name, source.label]));
const TOKEN_HOME =
  "<work dir>/secrets/airbyte-api-token, $PULSE_AIRBYTE_API_TOKEN or the pulse-airbyte-api-token secret";

function syncFinding(
  source: SourceName,
  severity: "info" | "warning",
  observed: string,
  message: string,
): Finding {
  return {
    step: "check-sources",
    check: "airbyte_sync",
    severity,
    blocking: false,
    subject: source,
    source,
    observed,
    expected: "an Airbyte sync of the stale source",
    message,
  };
}

function jobText(job: AirbyteJob): string {
  return `job ${job.jobId} ${job.status}${job.startTime ? ` (started ${job.startTime})` : ""}`;
}

/** Pure: the finding of a job check-sources started or found, now or on an earlier run of the same day. */
export function jobFinding(
  source: SourceName,
  job: AirbyteJob,
  how: "started" | "found" | "earlier",
): Finding {
  const label = LABELS.get(source) ?? source;
  if (job.status === "failed" || job.status === "cancelled" || job.status === "incomplete")
    return syncFinding(
      source,
      "warning",
      jobText(job),
      `The Airbyte sync of ${label} started for this run, ${jobText(job)}: open the job's log in Airbyte, fix the connection and sync it again; it is not restarted before tomorrow's run.`,
    );
  if (how === "found")
    return syncFinding(
      source,
      "warning",
      jobText(job),
      `${label} is stale and Airbyte was already syncing it: ${jobText(job)}, so no second sync was started. If it has been running for hours, cancel it in Airbyte and sync again.`,
    );
  const when = how === "started" ? "sync started" : "sync started earlier for this run date";
  return syncFinding(
    source,
    "info",
    jobText(job),
    `${label} is stale: Airbyte ${when}, ${jobText(job)}.${job.status === "succeeded" ? " Re-run the pipeline for this date to pick up the new rows." : ""}`,
  );
}

async function readMarker(context: StepContext, path: string): Promise<SyncMarker | undefined> {
  const data = await context.ports.bucket.read(path);
  if (!data) return undefined;
  try {
    const marker = JSON.parse(data.toString("utf8")) as SyncMarker;
    return Number.isSafeInteger(marker.jobId) ? marker : undefined;
  } catch {
    return undefined; // an unreadable marker is as good as none: the sync is asked for again
  }
}

/** Starts (or finds) the Airbyte sync of each stale source that has a connection; see the file's comment. */
export async function syncStaleSources(
  context: StepContext,
  staleSources: readonly SourceName[],
  io: ApiIo = DEFAULT_IO,
): Promise<AirbyteSyncResult> {
  const settings = context.config.airbyte;
  const result: AirbyteSyncResult = { findings: [], metrics: {} };
  if (!settings.enabled) return result;
  const { runDate } = context.message;
  const wanted = staleSources.flatMap((source) => {
    const connectionId = settings.connections[source];
    return connectionId ? [{ source, connectionId }] : [];
  });
  if (wanted.length === 0) return result;
  const count = (name: string) => {
    result.metrics[`airbyte.${name}`] = (result.metrics[`airbyte.${name}`] ?? 0) + 1;
  };

  // A secret that cannot be read is this feature's problem only: it must not fail the step.
  let credentials: string | undefined;
  let unreadable = "";
  try {
    credentials = await context.ports.secrets.get("airbyteApiToken");
  } catch (error) {
    unreadable = (error as Error).message;
  }
  if (!credentials) {
    const problem = unreadable
      ? `the airbyteApiToken secret could not be read (${unreadable})`
      : `the airbyteApiToken secret is not set (put the Airbyte application's {"client_id","client_secret"} in ${TOKEN_HOME})`;
    for (const { source } of wanted) {
      count("failed");
      result.findings.push(
        syncFinding(
          source,
          "warning",
          "no airbyteApiToken",
          `${LABELS.get(source) ?? source} is stale but its Airbyte sync could not be started: ${problem}. Start the sync in Airbyte by hand meanwhile.`,
        ),
      );
    }
    return result;
  }
  // Each request (each retry too) gets its own deadline: fetch alone would wait minutes for an Airbyte that hangs.
  const timed: ApiIo = {
    ...io,
    fetch: (input, init) =>
      io.fetch(input, { ...init, signal: AbortSignal.timeout(settings.requestTimeoutSeconds * 1000) }),
  };
  const api = new AirbyteApi({ apiUrl: settings.apiUrl, credentials }, timed, {
    maxAttempts: settings.maxAttempts,
    maxDelayMs: 5_000,
  });

  for (const { source, connectionId } of wanted) {
    const label = LABELS.get(source) ?? source;
    const path = airbyteSyncMarkerPath(runDate, source);
    try {
      const marker = await readMarker(context, path);
      if (marker) {
        count("earlier");
        // The job's status now; if Airbyte cannot say, what the marker knows is still worth reporting.
        const job = await api.job(source, marker.jobId).catch(() => ({
          jobId: marker.jobId,
          status: `${marker.how} at ${marker.at}, status unknown now`,
        }));
        result.findings.push(jobFinding(source, job, "earlier"));
        continue;
      }
      const outcome = await api.startSync(source, connectionId);
      if (outcome.kind === "not-active") {
        // Nothing is remembered: once someone enables the connection, the next run starts its sync.
        count("notActive");
        result.findings.push(
          syncFinding(
            source,
            "warning",
            `connection ${outcome.status}`,
            `${label} is stale and Airbyte cannot sync it: its connection ${connectionId} is ${outcome.status} in Airbyte (HTTP 409: ${outcome.detail}). Enable the connection in Airbyte and start its sync, or remove airbyte.connections.${source} from the settings if Airbyte no longer loads it.`,
          ),
        );
        continue;
      }
      const job = outcome.job;
      if (job) {
        const written: SyncMarker = {
          runDate,
          source,
          connectionId,
          jobId: job.jobId,
          how: outcome.kind === "started" ? "started" : "found",
          at: io.now().toISOString(),
        };
        await context.ports.bucket.createIfAbsent(path, `${JSON.stringify(written, null, 2)}\n`, {
          contentType: "application/json",
        });
      }
      if (outcome.kind === "started") {
        count("started");
        result.findings.push(jobFinding(source, outcome.job, "started"));
      } else if (job) {
        count("alreadyRunning");
        result.findings.push(jobFinding(source, job, "found"));
      } else {
        count("alreadyRunning");
        result.findings.push(
          syncFinding(
            source,
            "warning",
            "HTTP 409",
            `${label} is stale and Airbyte refused to start its sync (${outcome.detail}), but no running job of connection ${connectionId} could be found: look at the connection's job history in Airbyte.`,
          ),
        );
      }
    } catch (error) {
      count("failed");
      const reason = (error as Error).message;
      const todo =
        error instanceof PlatformAuthError
          ? `replace the Airbyte application's credentials in ${TOKEN_HOME}`
          : /HTTP 404/.test(reason)
            ? `check airbyte.connections.${source} (${connectionId}) against the connection's address in Airbyte`
            : "the next run asks again";
      result.findings.push(
        syncFinding(
          source,
          "warning",
          reason,
          `${label} is stale and its Airbyte sync could not be started: ${reason}. Start the sync in Airbyte by hand; ${todo}.`,
        ),
      );
    }
  }
  return result;
}
