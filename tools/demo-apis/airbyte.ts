// A local stand-in for Airbyte's public API (https://reference.airbyte.com) on 127.0.0.1, in its documented shapes:
// POST /v1/applications/token ({client_id, client_secret} → {access_token, token_type, expires_in}), POST /v1/jobs
// ({connectionId, jobType: "sync"} → a JobResponse; 409 while a sync of the connection is pending or running, and
// for a connection that is not active, as Airbyte answers a disabled one; 404 for a connection it does not know),
// GET /v1/jobs/{jobId}, GET /v1/jobs?connectionId=…&jobType=sync ({data}) and GET /v1/connections/{connectionId}
// (a ConnectionResponse, its status active, inactive, deprecated or locked).
// Every /v1/jobs request must carry `Authorization: Bearer <token>` with the fixed token or one it issued, else
// 401. The tests (test/check-sources/airbyte-sync.test.ts) run the real sync trigger against it.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const AIRBYTE_TOKEN = "local-airbyte-access-token";
export const AIRBYTE_APPLICATION = {
  client_id: "local-airbyte-client",
  client_secret: "local-airbyte-secret",
};

export interface AirbyteServerJob {
  jobId: number;
  connectionId: string;
  jobType: "sync";
  status: "pending" | "running" | "incomplete" | "failed" | "succeeded" | "cancelled";
  startTime: string;
}

export type AirbyteConnectionStatus = "active" | "inactive" | "deprecated" | "locked";

export interface AirbyteRecordedRequest {
  method: string;
  /** Path and query, e.g. /v1/jobs?connectionId=…; the /v1 prefix kept. */
  path: string;
  authorization: string | undefined;
  body: unknown;
  /** The status the server answered. */
  status: number;
}

export interface AirbyteServer {
  /** The API's base address, ending in /v1, as airbyte.apiUrl takes it. */
  url: string;
  requests: AirbyteRecordedRequest[];
  jobs: AirbyteServerJob[];
  /** A job as if someone had started it in Airbyte's UI (e.g. a sync already running). */
  seedJob(connectionId: string, status: AirbyteServerJob["status"]): AirbyteServerJob;
  /** A connection's status, as the connection's toggle in Airbyte's UI sets it (every known one starts active). */
  setConnectionStatus(connectionId: string, status: AirbyteConnectionStatus): void;
  /** Moves a job to a final (or any) status, as Airbyte does when the sync ends. */
  setStatus(jobId: number, status: AirbyteServerJob["status"]): void;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

const problem = (status: number, title: string, detail: string) => ({
  type: `https://reference.airbyte.com/reference/errors#${status}`,
  title,
  status,
  detail,
});

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An Airbyte API knowing the given connections (by id); job ids start at `firstJobId`. */
export async function startAirbyteServer(
  options: { connections: readonly string[]; firstJobId?: number } = { connections: [] },
): Promise<AirbyteServer> {
  // The connections it knows, each with its status.
  const statuses = new Map<string, AirbyteConnectionStatus>(options.connections.map((id) => [id, "active"]));
  const issued = new Set<string>([AIRBYTE_TOKEN]);
  const jobs: AirbyteServerJob[] = [];
  const requests: AirbyteRecordedRequest[] = [];
  let nextJobId = options.firstJobId ?? 1000;
  const newJob = (connectionId: string, status: AirbyteServerJob["status"]) => {
    const job: AirbyteServerJob = {
      jobId: nextJobId++,
      connectionId,
      jobType: "sync",
      status,
      startTime: new Date().toISOString(),
    };
    jobs.push(job);
    return job;
  };

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const body = await readBody(request);
    const reply = (status: number, payload: unknown) => {
      requests.push({
        method: request.method ?? "GET",
        path: `${url.pathname}${url.search}`,
        authorization: request.headers.authorization,
        body,
        status,
      });
      send(response, status, payload);
    };
    if (request.method === "POST" && url.pathname === "/v1/applications/token") {
      const given = (body ?? {}) as Record<string, unknown>;
      if (
        given.client_id !== AIRBYTE_APPLICATION.client_id ||
        given.client_secret !== AIRBYTE_APPLICATION.client_secret
      )
        return reply(401, problem(401, "unauthorized", "Invalid client credentials"));
      const token = `issued-${randomUUID()}`;
      issued.add(token);
      return reply(200, { access_token: token, token_type: "Bearer", expires_in: 180 });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !issued.has(bearer)) return reply(401, problem(401, "unauthorized", "Invalid token"));

    if (request.method === "POST" && url.pathname === "/v1/jobs") {
      const { connectionId, jobType } = (body ?? {}) as Record<string, unknown>;
      if (jobType !== "sync" || typeof connectionId !== "string")
        return reply(400, problem(400, "bad-request", "connectionId and jobType are required"));
      if (!statuses.has(connectionId))
        return reply(404, problem(404, "resource-not-found", `Could not find connection ${connectionId}`));
      const status = statuses.get(connectionId);
      if (status !== "active")
        return reply(
          409,
          problem(409, "state-conflict", `Connection ${connectionId} is ${status}: a sync cannot start`),
        );
      if (
        jobs.some((job) => job.connectionId === connectionId && ["pending", "running"].includes(job.status))
      )
        return reply(409, problem(409, "try-again-later", `A sync is already running for: ${connectionId}`));
      const job = newJob(connectionId, "running");
      return reply(200, job);
    }
    const single = /^\/v1\/jobs\/(\d+)$/.exec(url.pathname);
    if (request.method === "GET" && single) {
      const job = jobs.find((candidate) => candidate.jobId === Number(single[1]));
      return job ? reply(200, job) : reply(404, problem(404, "resource-not-found", `No job ${single[1]}`));
    }
    const connection = /^\/v1\/connections\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && connection) {
      const connectionId = decodeURIComponent(connection[1] ?? "");
      if (!statuses.has(connectionId))
        return reply(404, problem(404, "resource-not-found", `Could not find connection ${connectionId}`));
      return reply(200, {
        connectionId,
        name: `local connection ${connectionId.slice(0, 8)}`,
        sourceId: randomUUID(),
        destinationId: randomUUID(),
        workspaceId: randomUUID(),
        status: statuses.get(connectionId),
        schedule: { scheduleType: "manual" },
      });
    }
    if (request.method === "GET" && url.pathname === "/v1/jobs") {
      const connectionId = url.searchParams.get("connectionId");
      const data = jobs
        .filter((job) => !connectionId || job.connectionId === connectionId)
        .sort((a, b) => b.jobId - a.jobId)
        .slice(0, Number(url.searchParams.get("limit") ?? 20));
      return reply(200, { data });
    }
    return reply(404, problem(404, "not-found", `${request.method} ${url.pathname}`));
  };

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => send(response, 500, { detail: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    jobs,
    seedJob: newJob,
    setConnectionStatus(connectionId, status) {
      if (!statuses.has(connectionId)) throw new Error(`no connection ${connectionId}`);
      statuses.set(connectionId, status);
    },
    setStatus(jobId, status) {
      const job = jobs.find((candidate) => candidate.jobId === jobId);
      if (!job) throw new Error(`no job ${jobId}`);
      job.status = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
