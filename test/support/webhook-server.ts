// A real HTTP server on 127.0.0.1 that stands in for a Slack or Google Chat incoming webhook: it records every
// request and answers as told (200, an HTTP error, or never, to provoke a timeout).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export interface ReceivedPost {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookServer {
  /** The webhook URL, with a secret-looking token in its path (what must never reach a log). */
  url: string;
  token: string;
  received: ReceivedPost[];
  /** How the next requests are answered: an HTTP status, or "hang" (no answer until the server closes). */
  answer: number | "hang";
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const token = "T0KEN-s3cr3t-8f2a9c";
  const hanging = new Set<() => void>();
  const state: Pick<WebhookServer, "received" | "answer"> = { received: [], answer: 200 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      state.received.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      if (state.answer === "hang") {
        hanging.add(() => response.destroy());
        return;
      }
      response.writeHead(state.answer, { "content-type": "text/plain" });
      response.end(state.answer === 200 ? "ok" : "invalid_payload");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/services/hook/${token}`,
    token,
    async close() {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
