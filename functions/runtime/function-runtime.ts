// The runtime a deployed (or emulated) Cloud Function builds on its first event: configuration from the
// environment, validated once, and the ports it names. `npm run emulate` and the tests build it themselves
// (one DuckDB file may be open in one process only) and hand it over with setFunctionRuntime.
import { resolve } from "node:path";
import { PubSubBus } from "../adapters/bus/pubsub-bus.ts";
import type { DuckDbWarehouse } from "../adapters/warehouse/duckdb-warehouse.ts";
import { loadConfig } from "../shared/config.ts";
import { cloudSettingsFromEnv, createCloudPorts, readCloudSecrets } from "./cloud-ports.ts";
import type { HandlerRuntime } from "../shared/handler.ts";
import { createLogger } from "../lib/logger.ts";
import type { Logger } from "../shared/ports.ts";
import type { Ports } from "../shared/step.ts";
import { createLocalPorts } from "./local-ports.ts";
import { localPiiHashKey } from "./local-secrets.ts";

export const DEFAULT_PROJECT_ID = "dtc-pulse-local";

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

export interface FunctionRuntime extends HandlerRuntime {
  ports: Ports;
  projectId: string;
  /** Closes what the runtime opened: the Pub/Sub client, and the warehouse unless it was handed in. */
  close(): Promise<void>;
}

export interface FunctionRuntimeOptions {
  cwd?: string;
  /** An already open warehouse (emulate opens it first to generate demo data). */
  warehouse?: DuckDbWarehouse;
  /** Defaults to JSON lines with Cloud Logging's `severity`, at $PULSE_LOG_LEVEL (info). */
  log?: Logger;
}

function logLevel(env: Record<string, string | undefined>): LogLevel {
  const wanted = env.PULSE_LOG_LEVEL?.toLowerCase();
  return LOG_LEVELS.find((level) => level === wanted) ?? "info";
}

export function projectIdFrom(env: Record<string, string | undefined>): string {
  return env.PULSE_PROJECT_ID ?? env.GOOGLE_CLOUD_PROJECT ?? DEFAULT_PROJECT_ID;
}

/**
 * Builds the functions' runtime from environment variables: PULSE_* configuration, the local ports, and a
 * Pub/Sub bus (which talks to the emulator when PUBSUB_EMULATOR_HOST is set).
 */
export async function createFunctionRuntime(
  env: Record<string, string | undefined>,
  options: FunctionRuntimeOptions = {},
): Promise<FunctionRuntime> {
  const cwd = options.cwd ?? process.cwd();
  if (env.PULSE_RUNTIME === "cloud") return createCloudFunctionRuntime(env, cwd, options);
  const workDir = env.PULSE_WORK_DIR ?? ".pulse";
  const config = loadConfig(env, { cwd, piiHashKey: await localPiiHashKey(resolve(cwd, workDir), env) });
  const projectId = projectIdFrom(env);
  const bus = new PubSubBus(projectId);
  const ports = await createLocalPorts(config, bus, { warehouse: options.warehouse });
  // Cloud Logging reads one JSON object per line, with `severity`; the step, run date and run id are bound
  // by the handler's child loggers, so every line of a run can be filtered on them.
  const log = options.log ?? createLogger({ format: "json", minLevel: logLevel(env) });
  return {
    config,
    ports,
    log,
    projectId,
    close: async () => {
      await bus.close();
      if (!options.warehouse) await ports.warehouse.close();
    },
  };
}

let runtime: Promise<HandlerRuntime> | undefined;

/** Hands the functions a runtime built elsewhere (emulate, tests); undefined goes back to building one. */
/**
 * A deployed function: BigQuery, Cloud Storage, Pub/Sub and SMTP, with only the secrets this step is granted
 * (infra/functions.tf sets PULSE_STEP and the secret environment variables per function).
 */
async function createCloudFunctionRuntime(
  env: Record<string, string | undefined>,
  cwd: string,
  options: FunctionRuntimeOptions,
): Promise<FunctionRuntime> {
  const settings = cloudSettingsFromEnv(env);
  const step = env.PULSE_STEP ?? "";
  const secrets = await readCloudSecrets(settings, env, {
    piiHashKey: step === "transform",
    smtpUrl: step === "notify" || step === "dead-letter",
  });
  const config = loadConfig(
    { ...env, PULSE_SMTP_URL: secrets.smtpUrl },
    { cwd, piiHashKey: secrets.piiHashKey },
  );
  const ports = createCloudPorts(settings, { smtpUrl: config.email.smtpUrl });
  const log = options.log ?? createLogger({ format: "json", minLevel: logLevel(env) });
  return { config, ports, log, projectId: settings.projectId, close: () => ports.close() };
}

export function setFunctionRuntime(provided: HandlerRuntime | undefined): void {
  runtime = provided ? Promise.resolve(provided) : undefined;
}

export function functionRuntime(): Promise<HandlerRuntime> {
  if (!runtime) {
    const building = createFunctionRuntime(process.env);
    // A failed start (a bad variable, a locked file) must not stick: the next event tries again.
    building.catch(() => {
      if (runtime === building) runtime = undefined;
    });
    runtime = building;
  }
  return runtime;
}
