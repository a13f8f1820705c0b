// Airbyte's public API (https://reference.airbyte.com), the few calls the sync trigger needs: start a sync job of a
// connection (POST /jobs {connectionId, jobType: "sync"}), read a job (GET /jobs/{jobId}), find a connection's
// running sync (GET /jobs?connectionId=…) and read a connection's status (GET /connections/{connectionId}).
// Requests carry `Authorization: Bearer <token>`; the token is either given
// as is or, better, obtained from the application's client id and secret (POST /applications/token), since
// Airbyte's access tokens expire within minutes. Errors are the platform clients' (PlatformAuthError,
// PlatformApiError) so that the caller can tell "fix the credentials" from "Airbyte is down".
import type { SourceName } from "../../shared/raw-schemas.ts";
import {
  type ApiIo,
  PlatformApiError,
  PlatformAuthError,
  readJson,
  type RetryPolicy,
  sendWithRetry,
} from "./http.ts";
import { type ClientCredentials, parseClientCredentials, requestToken } from "./oauth.ts";

export type AirbyteJobStatus = "pending" | "running" | "incomplete" | "failed" | "succeeded" | "cancelled";

export interface AirbyteJob {
  jobId: number;
  status: AirbyteJobStatus | string;
  jobType?: string;
  startTime?: string;
  connectionId?: string;
}

export type StartSyncOutcome =
  /** Airbyte accepted the sync: the new job. */
  | { kind: "started"; job: AirbyteJob }
  /** Airbyte refused with 409: a sync of the connection is already running (the job, when it could be found). */
  | { kind: "already-running"; job: AirbyteJob | undefined; detail: string }
  /**
   * Airbyte refused with 409 and no sync is running: the connection is not active (disabled in Airbyte, or
   * deprecated or locked), which Airbyte answers with the same 409 as a sync already running.
   */
  | { kind: "not-active"; status: string; detail: string };

export interface AirbyteApiSettings {
  apiUrl: string;
  /** The secret's text: {"client_id","client_secret"} as JSON, or an access token. */
  credentials: string;
}

/** The application's id and secret when the secret is that JSON; undefined when it is a token. */
export function parseAirbyteCredentials(text: string, source: SourceName): ClientCredentials | undefined {
  return parseClientCredentials(text, source, "airbyteApiToken");
}

function asJob(value: unknown): AirbyteJob | undefined {
  const job = value as Record<string, unknown> | null;
  const id = Number(job?.jobId);
  if (!job || !Number.isSafeInteger(id)) return undefined;
  return {
    jobId: id,
    status: String(job.status ?? "unknown"),
    ...(typeof job.jobType === "string" ? { jobType: job.jobType } : {}),
    ...(typeof job.startTime === "string" ? { startTime: job.startTime } : {}),
    ...(typeof job.connectionId === "string" ? { connectionId: job.connectionId } : {}),
  };
}

/** Airbyte's problem responses carry `detail` (or `message`); the text otherwise, shortened. */
function problemText(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const said = parsed.detail ?? parsed.message ?? parsed.title;
    if (typeof said === "string" && said) return said;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 160);
}

export class AirbyteApi {
  private readonly base: string;
  private token: string | undefined;

  constructor(
    private readonly settings: AirbyteApiSettings,
    private readonly io: ApiIo,
    private readonly retry: RetryPolicy,
  ) {
    this.base = settings.apiUrl.replace(/\/+$/, "");
  }

  /**
   * Starts a sync of the connection; a 409 is an outcome, not an error: a sync already running (then no sync is
   * needed), or a connection that is not active (then none can start until someone enables it).
   */
  async startSync(source: SourceName, connectionId: string): Promise<StartSyncOutcome> {
    const response = await this.send(source, "POST", "/jobs", { connectionId, jobType: "sync" });
    if (response.status === 409) {
      const detail = problemText(await response.text());
      // Which job is running is worth saying, not worth failing for: the 409 alone says no sync is needed.
      const job = await this.runningSync(source, connectionId).catch(() => undefined);
      if (job) return { kind: "already-running", job, detail };
      // No sync running: the connection's status says whether it is disabled (PyAirbyte does the same, #1210).
      const status = await this.connectionStatus(source, connectionId).catch(() => undefined);
      if (status !== undefined && status !== "active") return { kind: "not-active", status, detail };
      return { kind: "already-running", job: undefined, detail };
    }
    const job = asJob(await this.read(source, response, "POST /jobs"));
    if (!job) throw new PlatformApiError(source, "POST /jobs answered without a jobId", response.status);
    return { kind: "started", job };
  }

  async job(source: SourceName, jobId: number): Promise<AirbyteJob> {
    const response = await this.send(source, "GET", `/jobs/${jobId}`);
    const job = asJob(await this.read(source, response, `GET /jobs/${jobId}`));
    if (!job)
      throw new PlatformApiError(source, `GET /jobs/${jobId} answered without a jobId`, response.status);
    return job;
  }

  /** The connection's status (active, inactive, deprecated or locked), as GET /connections/{id} gives it. */
  async connectionStatus(source: SourceName, connectionId: string): Promise<string | undefined> {
    const path = `/connections/${encodeURIComponent(connectionId)}`;
    const response = await this.send(source, "GET", path);
    const body = (await this.read(source, response, `GET ${path}`)) as { status?: unknown } | null;
    return typeof body?.status === "string" ? body.status : undefined;
  }

  /** The connection's newest sync job that is pending or running, if any. */
  async runningSync(source: SourceName, connectionId: string): Promise<AirbyteJob | undefined> {
    const query = new URLSearchParams({
      connectionId,
      jobType: "sync",
      limit: "5",
      orderBy: "createdAt|DESC",
    });
    const response = await this.send(source, "GET", `/jobs?${query.toString()}`);
    const body = (await this.read(source, response, "GET /jobs")) as { data?: unknown[] } | null;
    return (body?.data ?? [])
      .map(asJob)
      .find((job) => job !== undefined && (job.status === "running" || job.status === "pending"));
  }

  /** A 2xx body as JSON; any other status as the error it means. */
  private async read(source: SourceName, response: Response, describe: string): Promise<unknown> {
    if (response.ok) return readJson(source, response, describe);
    throw new PlatformApiError(
      source,
      `${describe}: HTTP ${response.status} ${problemText(await response.text())}`,
      response.status,
    );
  }

  private async send(source: SourceName, method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: `Bearer ${await this.accessToken(source)}`,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    const { response } = await sendWithRetry(source, this.io, this.retry, `${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (response.status === 401 || response.status === 403) {
      const detail = problemText(await response.text());
      throw new PlatformAuthError(
        source,
        `Airbyte refused the credentials of the airbyteApiToken secret (HTTP ${response.status}${detail ? `: ${detail}` : ""})`,
      );
    }
    return response;
  }

  /** The bearer token: the secret itself, or one obtained once per client from the application's id and secret. */
  private async accessToken(source: SourceName): Promise<string> {
    if (this.token) return this.token;
    const application = parseAirbyteCredentials(this.settings.credentials, source);
    if (!application) return (this.token = this.settings.credentials.trim());
    const answer = await requestToken(source, this.io, this.retry, `${this.base}/applications/token`, {
      fields: { ...application, grant_type: "client_credentials" },
      encoding: "json",
      describe: "POST /applications/token",
    });
    const detail = answer.detail;
    if (answer.status === 401 || answer.status === 403 || answer.status === 400)
      throw new PlatformAuthError(
        source,
        `Airbyte refused the application of the airbyteApiToken secret (HTTP ${answer.status}${detail ? `: ${detail}` : ""})`,
      );
    if (answer.status < 200 || answer.status >= 300)
      throw new PlatformApiError(
        source,
        `POST /applications/token: HTTP ${answer.status} ${detail}`,
        answer.status,
      );
    const token = answer.accessToken;
    if (!token)
      throw new PlatformApiError(source, "POST /applications/token answered without an access_token");
    return (this.token = token);
  }
}
