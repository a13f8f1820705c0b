// BigQuery failures as one clear message each (what ran, where, why, what to do) and whether a retry could help.
import { isTransient } from "../../../shared/step.ts";
import type { JobErrorProto } from "./client.ts";

export class BigQueryWarehouseError extends Error {
  override name = "BigQueryWarehouseError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    /** Read by isTransient (shared/step.ts): a retry could succeed. */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface ApiErrorShape {
  code?: unknown;
  message?: unknown;
  errors?: JobErrorProto[];
  response?: { status?: unknown };
}

function errorStatus(error: unknown): number | undefined {
  const candidate = error as ApiErrorShape | undefined;
  if (typeof candidate?.code === "number") return candidate.code;
  return typeof candidate?.response?.status === "number" ? candidate.response.status : undefined;
}

export function isAlreadyExists(error: unknown): boolean {
  return (
    errorStatus(error) === 409 || (error as ApiErrorShape | undefined)?.errors?.[0]?.reason === "duplicate"
  );
}

const TRANSIENT_REASONS = new Set([
  "backendError",
  "internalError",
  "rateLimitExceeded",
  "jobRateLimitExceeded",
  "jobBackendError",
  "jobInternalError",
]);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** The 403 reasons that are limits, not permissions. */
const LIMIT_REASONS = new Set(["rateLimitExceeded", "jobRateLimitExceeded", "quotaExceeded"]);

const REASON_STATUS: Record<string, number> = {
  accessDenied: 403,
  notFound: 404,
  invalid: 400,
  invalidQuery: 400,
  bytesBilledLimitExceeded: 400,
};

export interface ErrorContext {
  projectId: string;
  dataset?: string;
  what: string;
  jobId?: string;
  maximumBytesBilled: number;
}

/** The role that most likely fixes an "Access Denied", from the permission BigQuery names in its message. */
function missingRole(message: string, context: ErrorContext): string {
  if (/bigquery\.jobs\.create/.test(message)) {
    return `roles/bigquery.jobUser on project ${context.projectId}`;
  }
  if (/storage\.objects/.test(message)) return "roles/storage.objectAdmin on the extracts bucket";
  const where = context.dataset ? `dataset ${context.dataset}` : "the dataset it names";
  if (/tables\.(create|update|updateData|delete)|datasets\.update/.test(message)) {
    return `roles/bigquery.dataEditor on ${where}`;
  }
  return `roles/bigquery.dataViewer (reads) or roles/bigquery.dataEditor (writes) on ${where}`;
}

/** One clear message per failure: what ran, where, why, and what to do about it. */
export function explainBigQueryError(error: unknown, context: ErrorContext): BigQueryWarehouseError {
  if (error instanceof BigQueryWarehouseError) return error;
  const api = error as ApiErrorShape | JobErrorProto | undefined;
  const first = (api as ApiErrorShape | undefined)?.errors?.[0];
  const reason = (api as JobErrorProto | undefined)?.reason ?? first?.reason;
  const rawMessage = String((api as { message?: unknown } | undefined)?.message ?? first?.message ?? error);
  const status = errorStatus(error) ?? (reason ? REASON_STATUS[reason] : undefined);
  const transient =
    (reason !== undefined && TRANSIENT_REASONS.has(reason)) ||
    (status !== undefined && TRANSIENT_STATUS.has(status)) ||
    // A connection that dropped before any answer (ECONNRESET, …) once the client's own retries are spent.
    isTransient(error);
  const job = context.jobId ? ` (job ${context.jobId})` : "";
  let message: string;
  // BigQuery answers a rate limit or a quota with 403 too; only a denied access is about the account's roles.
  if (reason === "accessDenied" || (status === 403 && !LIMIT_REASONS.has(reason ?? ""))) {
    message =
      `BigQuery denied access for ${context.what} in project ${context.projectId}` +
      `${context.dataset ? `, dataset ${context.dataset}` : ""}${job}: ${rawMessage}. ` +
      `The function's service account needs ${missingRole(rawMessage, context)}.`;
  } else if (reason === "bytesBilledLimitExceeded") {
    message =
      `${context.what} would bill more than the ${context.maximumBytesBilled} bytes allowed per job${job}: ` +
      `${rawMessage}. Check that it prunes partitions (estimateBytes gives its cost), or raise PULSE_MAX_BYTES_BILLED.`;
  } else if (reason === "notFound" || status === 404) {
    message = `${context.what} failed in project ${context.projectId}${job}: ${rawMessage} (does the dataset or table exist in this location?)`;
  } else {
    message = `${context.what} failed on BigQuery${job}: ${rawMessage}`;
  }
  return new BigQueryWarehouseError(message, status, reason, transient, { cause: error });
}
