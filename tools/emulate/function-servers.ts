// Every registered Cloud Function served by functions-framework on its own local port, in this process (the
// local warehouse is one DuckDB file that a single process may open), with a count of the deliveries each
// receives so that callers can tell when the chain has gone quiet.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getTestServer } from "@google-cloud/functions-framework/testing";

export interface Delivery {
  entryPoint: string;
  path: string;
  /** HTTP status the function answered; 2xx acknowledges the message, anything else makes Pub/Sub retry. */
  status?: number;
  ms?: number;
}

export interface FunctionServers {
  /** Entry point → http://127.0.0.1:<port> */
  urls: Readonly<Record<string, string>>;
  deliveries: readonly Delivery[];
  inFlight(): number;
  /** Milliseconds since the last delivery started or ended; 0 while one is running. */
  idleMs(): number;
  /** Resolves once no delivery has been running or started for `quietMs`; rejects after `timeoutMs`. */
  waitForIdle(options: { quietMs: number; timeoutMs: number }): Promise<void>;
  /** Refuses new deliveries, lets running ones finish for up to `graceMs`, then closes every server. */
  close(options?: { graceMs?: number }): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Port 0: the kernel picks a free port, so there is no race with other programs.
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function serveFunctions(entryPoints: readonly string[]): Promise<FunctionServers> {
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  const deliveries: Delivery[] = [];
  let running = 0;
  let lastActivity = Date.now();
  let closing = false;

  const waitForIdle = async ({ quietMs, timeoutMs }: { quietMs: number; timeoutMs: number }) => {
    const deadline = Date.now() + timeoutMs;
    while (running > 0 || Date.now() - lastActivity < quietMs) {
      if (Date.now() > deadline) {
        throw new Error(
          `deliveries did not stop within ${timeoutMs} ms (${running} running, ${deliveries.length} so far)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const close = async ({ graceMs = 10_000 }: { graceMs?: number } = {}) => {
    closing = true;
    const closed = servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    // A step that is running finishes (its outputs stay whole), within reason.
    await waitForIdle({ quietMs: 0, timeoutMs: graceMs }).catch(() => undefined);
    // The emulator keeps its push connections alive; without this, close() waits for them to time out.
    for (const server of servers) server.closeAllConnections();
    await Promise.all(closed);
  };

  try {
    for (const entryPoint of entryPoints) {
      const server = getTestServer(entryPoint) as Server;
      const [app] = server.listeners("request") as ((
        request: IncomingMessage,
        response: ServerResponse,
      ) => void)[];
      if (!app) throw new Error(`functions-framework gave no request handler for ${entryPoint}`);
      server.removeAllListeners("request");
      server.on("request", (request: IncomingMessage, response: ServerResponse) => {
        if (closing) {
          // Not acknowledged: Pub/Sub keeps the message and delivers it again later.
          response.statusCode = 503;
          response.end();
          return;
        }
        const delivery: Delivery = { entryPoint, path: request.url ?? "/" };
        const started = performance.now();
        deliveries.push(delivery);
        running += 1;
        lastActivity = Date.now();
        response.once("close", () => {
          delivery.status = response.statusCode;
          delivery.ms = performance.now() - started;
          running -= 1;
          lastActivity = Date.now();
        });
        app(request, response);
      });
      servers.push(server);
      urls[entryPoint] = `http://127.0.0.1:${await listen(server)}`;
    }
  } catch (error) {
    await close({ graceMs: 0 });
    throw error;
  }

  return {
    urls,
    deliveries,
    inFlight: () => running,
    idleMs: () => (running > 0 ? 0 : Date.now() - lastActivity),
    waitForIdle,
    close,
  };
}
