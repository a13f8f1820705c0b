// The Pub/Sub emulator (`gcloud beta emulators pubsub start`) on a free local port, started and stopped by us.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOnPath, type SessionProcess, spawnSession, stopSession } from "./process-group.ts";

export interface PubSubEmulator {
  /** host:port, the value of PUBSUB_EMULATOR_HOST. */
  host: string;
  projectId: string;
  /** The session holding the watchdog shell, gcloud and Java. */
  sid: number;
  startMs: number;
  stop(): Promise<void>;
}

export class EmulatorUnavailableError extends Error {
  override name = "EmulatorUnavailableError";
}

/** Fails with a message that says what to install when gcloud or Java is missing. */
export async function checkEmulatorPrerequisites(): Promise<{ gcloud: string; java: string }> {
  const [gcloud, java] = await Promise.all([findOnPath("gcloud"), findOnPath("java")]);
  const missing = [
    gcloud ? undefined : "gcloud (the Google Cloud SDK: https://cloud.google.com/sdk/docs/install)",
    java ? undefined : "java (a Java runtime, 11 or newer; e.g. apt-get install default-jre-headless)",
  ].filter(Boolean);
  if (!gcloud || !java) {
    throw new EmulatorUnavailableError(
      `the Pub/Sub emulator needs ${missing.join(" and ")} on PATH, and the emulator component ` +
        "(gcloud components install pubsub-emulator beta, or apt-get install google-cloud-cli-pubsub-emulator).",
    );
  }
  return { gcloud, java };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function isReady(host: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export interface StartEmulatorOptions {
  projectId: string;
  /** Fixed port; a free one by default. */
  port?: number;
  startTimeoutMs?: number;
  /** Every line the emulator prints (it is chatty; the caller decides whether to show it). */
  onLine?: (line: string) => void;
}

async function startOnce(
  options: StartEmulatorOptions,
  port: number,
  dataDir: string,
): Promise<{ session: SessionProcess; host: string }> {
  const host = `127.0.0.1:${port}`;
  const session = spawnSession(
    "gcloud",
    [
      "beta",
      "emulators",
      "pubsub",
      "start",
      `--host-port=${host}`,
      `--project=${options.projectId}`,
      `--data-dir=${dataDir}`,
      "--quiet",
    ],
    { onLine: options.onLine },
  );
  let exitCode: number | null | undefined;
  void session.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    // The watchdog shell outlives gcloud only for a moment, so an early exit of the session means a failed start.
    if (exitCode !== undefined) {
      await stopSession(session);
      throw new EmulatorUnavailableError(
        `the Pub/Sub emulator exited during start-up (code ${exitCode}):\n${session.output()}`,
      );
    }
    if (await isReady(host)) return { session, host };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopSession(session);
  throw new EmulatorUnavailableError(
    `the Pub/Sub emulator did not answer on ${host} within ${options.startTimeoutMs ?? 60_000} ms:\n${session.output()}`,
  );
}

/** Starts the emulator and waits until it answers; stop() takes down every process it started. */
export async function startPubSubEmulator(options: StartEmulatorOptions): Promise<PubSubEmulator> {
  await checkEmulatorPrerequisites();
  const started = performance.now();
  // gcloud writes env.yaml into the data dir and fails if the folder does not exist.
  const dataDir = await mkdtemp(join(tmpdir(), "pulse-pubsub-"));
  let lastError: unknown;
  // A free port can be taken between our probe and Java's bind: try a couple of fresh ones.
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt++) {
    try {
      const { session, host } = await startOnce(options, options.port ?? (await freePort()), dataDir);
      return {
        host,
        projectId: options.projectId,
        sid: session.sid,
        startMs: performance.now() - started,
        stop: async () => {
          await stopSession(session);
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  await rm(dataDir, { recursive: true, force: true });
  throw lastError;
}
