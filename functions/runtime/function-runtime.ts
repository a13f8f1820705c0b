// The runtime a deployed (or emulated) Cloud Function builds on its first event: configuration from the
// environment, validated once, and the ports it names.
import { PubSubBus } from "../adapters/bus/pubsub-bus.ts";
import { loadConfig } from "../shared/config.ts";
import type { HandlerRuntime } from "../shared/handler.ts";
import { createLogger } from "../shared/logger.ts";
import { createLocalPorts } from "./local-ports.ts";
import { localPiiHashKey } from "./local-secrets.ts";

let runtime: Promise<HandlerRuntime> | undefined;

async function build(): Promise<HandlerRuntime> {
  const env = process.env;
  const cwd = process.cwd();
  const workDir = env.PULSE_WORK_DIR ?? ".pulse";
  const config = loadConfig(env, { cwd, piiHashKey: await localPiiHashKey(workDir, env) });
  const projectId = env.PULSE_PROJECT_ID ?? env.GOOGLE_CLOUD_PROJECT ?? "dtc-pulse-local";
  const ports = await createLocalPorts(config, new PubSubBus(projectId));
  return { config, ports, log: createLogger({ format: "json" }) };
}

export function functionRuntime(): Promise<HandlerRuntime> {
  runtime ??= build();
  return runtime;
}
