// Real HTTP servers on 127.0.0.1. The scripted one answers each request with the next of a script of answers
// (status, headers, body), then repeats the last one: for a platform client's handling of one documented answer at a
// time (an error code, a Retry-After, a usage header) without building a whole platform's fixture. The stalling one
// never answers, or stops half-way: for requests' time limits.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless a string. */
  body?: unknown;
}

export interface ScriptedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedServer {
  url: string;
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(script: readonly ScriptedAnswer[]): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const answer = script[Math.min(requests.length, script.length) - 1] ?? { status: 500 };
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(text);
    });
  });
  return { ...(await listenLocally(server)), requests };
}

/** A server listening on a free port of 127.0.0.1: its URL, and a close that ends its open connections too. */
export async function listenLocally(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An ApiIo on the real fetch whose sleeps are recorded, not spent, at a fixed clock. */
export function recordingIo(now = new Date("2026-11-22T11:00:00Z")) {
  const sleeps: number[] = [];
  return {
    sleeps,
    io: {
      fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init),
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      now: () => now,
    },
  };
}

/**
 * An ApiIo on the real fetch whose clock moves by each wait, as real time would (requests take no time on it): for
 * a deadline, `elapsedMs` is how far the waits took the client.
 */
export function clockedIo(start = new Date("2026-11-22T11:00:00Z")) {
  let clock = start.getTime();
  const sleeps: number[] = [];
  return {
    sleeps,
    elapsedMs: () => clock - start.getTime(),
    io: {
      fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init),
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => new Date(clock),
    },
  };
}

/**
 * A real HTTP server on 127.0.0.1 for requests that do not get their answer: /stalled sends its headers and half its
 * body, /slow its body 1.5 s after its headers, and any other path (/silent) never answers.
 */
export async function startStallingServer() {
  const server = createServer((request, response) => {
    if (request.url === "/stalled") {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"data": [1, 2, ');
    } else if (request.url === "/slow") {
      response.writeHead(200, { "content-type": "application/json" });
      response.flushHeaders();
      setTimeout(() => response.end('{"rows": 3}'), 1500);
    }
  });
  return listenLocally(server);
}
