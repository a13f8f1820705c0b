// The event-driven chain on one machine: the Pub/Sub emulator, every Cloud Function served by
// functions-framework, and the push subscriptions between them. Used by `npm run emulate` and the tests.
import { PubSub } from "@google-cloud/pubsub";
import type { HandlerRuntime } from "../../functions/shared/handler.ts";
import { FILE_DROP_TOPIC, STEPS } from "../../functions/shared/pipeline.ts";
import { setFunctionRuntime } from "../../functions/runtime/function-runtime.ts";
import { type FunctionServers, serveFunctions } from "./function-servers.ts";
import { type PubSubEmulator, startPubSubEmulator } from "./pubsub-emulator.ts";
import { loadFileDropTransform, type StorageObject, storageNotification } from "./file-drop-transform.ts";
import { createPushTopology, type PushSubscription } from "./topology.ts";

export interface EmulatedRuntime extends HandlerRuntime {
  close(): Promise<void>;
}

export interface EmulatedPipelineOptions {
  projectId: string;
  /**
   * Builds the functions' runtime once the emulator is up (PUBSUB_EMULATOR_HOST is set by then, so a
   * PubSubBus made here publishes to the emulator).
   */
  createRuntime: () => Promise<EmulatedRuntime>;
  onEmulatorLine?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface EmulatedPipeline {
  emulator: PubSubEmulator;
  servers: FunctionServers;
  subscriptions: readonly PushSubscription[];
  runtime: EmulatedRuntime;
  /** Publishes JSON data to a topic of the chain, as Cloud Scheduler or a step would. */
  publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string>;
  /**
   * Announces an object on the file-drop topic as the cloud does: Cloud Storage's notification, turned by the
   * subscription's message transform (infra/file-drop-start.js) into a start message. Returns the published
   * message's id, or null when the transform dropped the notification (an object outside raw/inbox/).
   */
  announceFile(object: StorageObject): Promise<string | null>;
  timings: { emulatorMs: number; setupMs: number };
  /** Stops everything that was started, in order; safe to call more than once. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** Runs every cleanup even when one fails, and reports all failures together. */
async function runAll(steps: readonly (readonly [string, () => Promise<void>])[]): Promise<void> {
  const failures: string[] = [];
  for (const [label, step] of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length) throw new Error(`clean-up failed: ${failures.join("; ")}`);
}

export async function startEmulatedPipeline(options: EmulatedPipelineOptions): Promise<EmulatedPipeline> {
  const started = performance.now();
  const cleanups: [string, () => Promise<void>][] = [];
  const cleanUp = () => runAll(cleanups.splice(0).reverse());

  try {
    const emulator = await startPubSubEmulator({
      projectId: options.projectId,
      onLine: options.onEmulatorLine,
      startTimeoutMs: options.startTimeoutMs,
    });
    cleanups.push(["emulator", () => emulator.stop()]);
    const setEnv = (name: string, value: string) => {
      const previous = process.env[name];
      process.env[name] = value;
      cleanups.push([
        `environment ${name}`,
        async () => {
          if (previous === undefined) delete process.env[name];
          else process.env[name] = previous;
        },
      ]);
    };
    // The Pub/Sub client library switches itself to the emulator when this is set.
    setEnv("PUBSUB_EMULATOR_HOST", emulator.host);
    // Off Google Cloud, the auth library probes the metadata server (and warns) before its first call; the
    // emulator needs no credentials, so skip the probe.
    setEnv("METADATA_SERVER_DETECTION", process.env.METADATA_SERVER_DETECTION ?? "none");

    const runtime = await options.createRuntime();
    cleanups.push(["runtime", () => runtime.close()]);
    setFunctionRuntime(runtime);
    cleanups.push(["function runtime", async () => setFunctionRuntime(undefined)]);

    // Registers the entry points with functions-framework (a no-op after the first import).
    const { DEAD_LETTER_ENTRY_POINT } = await import("../../functions/index.ts");
    const servers = await serveFunctions([...STEPS.map((step) => step.entryPoint), DEAD_LETTER_ENTRY_POINT]);
    let graceMs = 10_000;
    cleanups.push(["function servers", () => servers.close({ graceMs })]);

    const client = new PubSub({
      projectId: options.projectId,
      apiEndpoint: emulator.host,
      emulatorMode: true,
    });
    cleanups.push(["Pub/Sub client", () => client.close()]);
    const subscriptions = await createPushTopology(
      client,
      options.projectId,
      servers.urls,
      DEAD_LETTER_ENTRY_POINT,
    );

    const fileDropStart = loadFileDropTransform();
    let announced = 0;

    let stopping: Promise<void> | undefined;
    return {
      emulator,
      servers,
      subscriptions,
      runtime,
      publish: (topic, data, attributes = {}) =>
        client.topic(topic).publishMessage({ json: data, attributes }),
      announceFile: async (object) => {
        announced += 1;
        const transformed = fileDropStart(storageNotification(object), {
          message_id: `emulated-notification-${announced}`,
          publish_time: new Date().toISOString(),
        });
        if (!transformed) return null;
        return client.topic(FILE_DROP_TOPIC).publishMessage({
          data: Buffer.from(transformed.data, "utf8"),
          attributes: transformed.attributes,
        });
      },
      timings: { emulatorMs: emulator.startMs, setupMs: performance.now() - started },
      stop: (stopOptions = {}) => {
        graceMs = stopOptions.graceMs ?? graceMs;
        stopping ??= cleanUp();
        return stopping;
      },
    };
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}
