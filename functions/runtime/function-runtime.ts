// The runtime a deployed (or emulated) Cloud Function builds on its first event: configuration from the
// environment (and PULSE_SETTINGS), validated once, and the ports it names. `npm run emulate` and the tests build
// it themselves (one DuckDB file may be open in one process only) and hand it over with setFunctionRuntime.
import { PubSubBus } from "../adapters/bus/pubsub-bus.ts";
import type { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import {
  type Env,
  type FlagValues,
  loadConfig,
  type PulseConfig,
  secretsFromEnvironment,
} from "../shared/config.ts";
import type { HandlerRuntime } from "../shared/handler.ts";
import { createLogger } from "../lib/logger.ts";
import type { Logger } from "../shared/ports.ts";
import type { Ports } from "../shared/step.ts";

export interface FunctionRuntime extends HandlerRuntime {
  ports: Ports;
  projectId: string;
  /** Closes what the runtime opened: the Pub/Sub client, and the warehouse unless it was handed in. */
  close(): Promise<void>;
}

export interface FunctionRuntimeOptions {
  cwd?: string;
  /** Command-line flags of the tool that builds the runtime (emulate's --work-dir): the highest layer. */
  flags?: FlagValues;
  /** An already open warehouse (emulate opens it first to generate demo data). */
  warehouse?: DuckDbWarehouse;
  /** Defaults to JSON lines with Cloud Logging's `severity`, at the configured log level. */
  log?: Logger;
}

/** Cloud Logging reads one JSON object per line, with `severity`; the handler binds step, run date and run id. */
function functionLogger(config: PulseConfig, options: FunctionRuntimeOptions): Logger {
  return options.log ?? createLogger({ format: "json", minLevel: config.logLevel });
}

/**
 * Builds the functions' runtime from the environment: the configuration, then the cloud ports (BigQuery, Cloud
 * Storage, Pub/Sub, Secret Manager) or the local ones with a Pub/Sub bus (which talks to the emulator when
 * PUBSUB_EMULATOR_HOST is set). Secrets are read later, only by the step that needs one.
 */
export async function createFunctionRuntime(
  env: Env,
  options: FunctionRuntimeOptions = {},
): Promise<FunctionRuntime> {
  const config = loadConfig({ env, flags: options.flags, cwd: options.cwd ?? process.cwd() });
  const provided = secretsFromEnvironment(env);
  const log = functionLogger(config, options);
  const projectId = config.cloud.projectId;
  // Each mode's ports are imported only when that mode starts: a deployed function never loads DuckDB's native
  // library, and the emulator never loads the cloud clients.
  if (config.mode === "cloud") {
    const { cloudSecrets, createCloudPorts } = await import("./cloud-ports.ts");
    const ports = createCloudPorts(config.cloud, {
      secrets: cloudSecrets(config.cloud, provided),
      chatKind: config.chat.kind,
    });
    return { config, ports, log, projectId, close: () => ports.close() };
  }
  const { createLocalPorts, localSecrets } = await import("./local-ports.ts");
  const bus = new PubSubBus(projectId);
  const ports = await createLocalPorts(config, bus, {
    warehouse: options.warehouse,
    secrets: localSecrets(config, provided),
  });
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
