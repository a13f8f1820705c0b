// npm run emulate: the daily run event-driven, as it runs in the cloud — the Pub/Sub emulator pushing each
// step's message to that step's Cloud Function, served by functions-framework — on the local warehouse,
// bucket and outbox (the same work dir and demo data as `npm start`).
import { parseArgs } from "node:util";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { decideDataMode, readWorkDirState } from "../../functions/cli/data-mode.ts";
import { ensureDemoData, latestCompleteDay } from "../../functions/cli/demo-data.ts";
import { createProgressLogger } from "../../functions/cli/progress.ts";
import { printSummary } from "../../functions/cli/summary.ts";
import { ConfigError, type FlagValues, loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { isIsoDate } from "../../functions/lib/calendar.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { DEAD_LETTER_TOPIC, isStepName, STEP_NAMES, STEPS } from "../../functions/shared/pipeline.ts";
import { newRunId, parseRunMessage, type RunMessage } from "../../functions/shared/run-message.ts";
import { type EmulatedPipeline, startEmulatedPipeline } from "./emulated-pipeline.ts";
import { checkEmulatorPrerequisites, EmulatorUnavailableError } from "./pubsub-emulator.ts";
import { MAX_DELIVERY_ATTEMPTS } from "./topology.ts";
import { RunTimeoutError, waitForRunEnd } from "./wait-for-run.ts";
import { createFunctionRuntime } from "../../functions/runtime/function-runtime.ts";

export const EMULATE_HELP = `DTC Pulse — the daily run event-driven, through the Pub/Sub emulator and functions-framework.

Usage
  npm run emulate -- [options]

It starts the Pub/Sub emulator on a free local port, serves every Cloud Function (one per step, plus
deadLetter) with functions-framework on its own port, creates the topics and push subscriptions (with a
dead-letter topic after ${MAX_DELIVERY_ATTEMPTS} delivery attempts), publishes the scheduler's message, waits for the
run to end, prints the summary and stops everything it started (also on Ctrl-C or an error).

Options
  --date YYYY-MM-DD    business day to report on (default: the latest complete day in the data)
  --from STEP          start at STEP (earlier steps are left as they are), e.g. after a failure
  --force              run steps again even if they already succeeded for this date
  --work-dir DIR       where the warehouse, bucket and outbox live (default: .pulse, or $PULSE_WORK_DIR);
                       demo data is generated there on first use, as with npm start
  --timeout SECONDS    give up waiting for the run after this long (default 600)
  --keep-running       leave the emulator and the functions up after the run, to publish more messages;
                       Ctrl-C stops everything
  --verbose            print every log line, and the emulator's own output
  -h, --help           this help

Needs gcloud (with the beta and pubsub-emulator components) and Java on PATH.
Steps, in order: ${STEP_NAMES.join(" → ")}

Exit status: 0 when the run succeeded (or every step was already done), 1 when a step failed, blocked the run
or the run timed out, 2 on bad usage.`;

class UsageError extends Error {}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      date: { type: "string" },
      from: { type: "string" },
      force: { type: "boolean" },
      "work-dir": { type: "string" },
      timeout: { type: "string" },
      "keep-running": { type: "boolean" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

interface EmulateOptions {
  date?: string;
  from?: (typeof STEP_NAMES)[number];
  force: boolean;
  /** The settings' flags (--work-dir), the highest layer of the configuration. */
  settingFlags: FlagValues;
  timeoutMs: number;
  keepRunning: boolean;
  verbose: boolean;
}

function validate(values: ReturnType<typeof parse>["values"]) {
  if (values.date !== undefined && !isIsoDate(values.date)) throw new UsageError("--date must be YYYY-MM-DD");
  if (values.from !== undefined && !isStepName(values.from)) {
    throw new UsageError(`--from must be one of ${STEP_NAMES.join(", ")}; got "${values.from}"`);
  }
  const timeout = Number(values.timeout ?? 600);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds; got "${values.timeout}"`);
  }
  return {
    date: values.date,
    from: values.from as EmulateOptions["from"],
    force: Boolean(values.force),
    settingFlags: { "work-dir": values["work-dir"] },
    timeoutMs: timeout * 1000,
    keepRunning: Boolean(values["keep-running"]),
    verbose: Boolean(values.verbose),
  } satisfies EmulateOptions;
}

function publishHint(pipeline: EmulatedPipeline, runDate: string): string {
  const data = Buffer.from(JSON.stringify({ trigger: "manual", runDate, options: { force: true } })).toString(
    "base64",
  );
  const ingest = STEPS[0]?.topic ?? "pulse-ingest";
  return [
    "Still running (Ctrl-C stops everything). Publish a message to start another run, e.g.:",
    `  curl -s -X POST http://${pipeline.emulator.host}/v1/projects/${pipeline.emulator.projectId}/topics/${ingest}:publish \\`,
    `    -H 'content-type: application/json' -d '{"messages":[{"data":"${data}"}]}'`,
    `  (data is base64 JSON: {"trigger":"manual","runDate":"${runDate}","options":{"force":true}})`,
    `Clients: export PUBSUB_EMULATOR_HOST=${pipeline.emulator.host}; topics: ${[...STEPS.map((step) => step.topic), DEAD_LETTER_TOPIC].join(", ")}`,
  ].join("\n");
}

export async function emulate(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  let options: EmulateOptions;
  try {
    const { values } = parse(argv);
    if (values.help) {
      write(EMULATE_HELP);
      return 0;
    }
    options = validate(values);
  } catch (error) {
    process.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n\nRun with --help for usage.\n`,
    );
    return 2;
  }

  const cwd = process.cwd();
  let config: PulseConfig;
  try {
    config = loadConfig({ env, flags: options.settingFlags, cwd });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }

  let pipeline: EmulatedPipeline | undefined;
  let warehouse: DuckDbWarehouse | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      try {
        await pipeline?.stop();
      } finally {
        await warehouse?.close();
      }
    })();
    return cleaning;
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C does not wait: the exit hook still kills the emulator's process group.
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the emulator and the function servers …\n`);
    cleanUp().then(
      () => process.exit(signal === "SIGINT" ? 130 : 143),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    // Before anything slow: say what to install when gcloud or Java is missing.
    await checkEmulatorPrerequisites();
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath, {
      memoryLimit: config.local.duckdbMemoryLimit,
    });
    // The same choice as `npm start`: the demo shop only in a work dir with nothing of a shop's own.
    const mode = decideDataMode("run", await readWorkDirState(warehouse, config, env), { regenerate: false });
    if (mode.kind === "refused") throw new Error(mode.reason);
    const demo = mode.kind === "demo";
    if (demo) await ensureDemoData(warehouse, config, { regenerate: false, write });
    const runDate = options.date ?? (await latestCompleteDay(warehouse, config));
    const log = createProgressLogger({ verbose: options.verbose, write });
    const openWarehouse = warehouse;

    write(
      `DTC Pulse · ${config.shop.name} · run date ${runDate}${demo ? " · demo data" : ""} · event-driven`,
    );
    pipeline = await startEmulatedPipeline({
      projectId: config.cloud.projectId,
      createRuntime: () =>
        createFunctionRuntime(env, { cwd, flags: options.settingFlags, warehouse: openWarehouse, log }),
      onEmulatorLine: options.verbose ? (line) => write(`  [pubsub] ${line}`) : undefined,
    });
    const ports = new Set(Object.values(pipeline.servers.urls).map((url) => url.split(":").at(-1)));
    write(
      `Pub/Sub emulator on ${pipeline.emulator.host} (up in ${(pipeline.emulator.startMs / 1000).toFixed(1)}s); ` +
        `${Object.keys(pipeline.servers.urls).length} functions on 127.0.0.1 ports ${[...ports].join(", ")}; ` +
        `${pipeline.subscriptions.length} push subscriptions`,
    );

    const started = performance.now();
    const deliveriesBefore = pipeline.servers.deliveries.length;
    // What Cloud Scheduler publishes, with the run date made explicit and a run id we can follow in the ledger.
    const start = {
      trigger: "scheduler" as const,
      runDate,
      runId: newRunId("emulator", new Date()),
      options: { skip: [], from: options.from, force: options.force },
      ...(demo ? { demo: true } : {}),
    };
    const message: RunMessage = parseRunMessage(start);
    await pipeline.publish(STEPS[0]?.topic ?? "pulse-ingest", start, {
      runDate,
      runId: message.runId,
      step: STEP_NAMES[0],
    });

    const end = await waitForRunEnd(pipeline.runtime.ports.bucket, pipeline.servers, message, {
      timeoutMs: options.timeoutMs,
    });
    // Duplicates and the messages after notify still in flight: let them land before reading the ledger.
    await pipeline.servers.waitForIdle({ quietMs: 1000, timeoutMs: 30_000 }).catch(() => undefined);

    const records = (await new Ledger(pipeline.runtime.ports.bucket).readAll(runDate)).sort(
      (a, b) => STEP_NAMES.indexOf(a.step) - STEP_NAMES.indexOf(b.step),
    );
    const failures = records.filter(
      (record) =>
        record.runId === message.runId && (record.status === "failed" || record.status === "blocked"),
    );
    await printSummary(
      {
        message,
        records,
        failures,
        // The emulator's run end is judged by waitForRunEnd below, from the ledger and the deliveries.
        notDone: [],
        // The emulator's dead-letter subscription retries as Pub/Sub's does; nothing is set aside in process.
        failureEmailsNotSent: [],
        ports: pipeline.runtime.ports,
        warehouseStats: openWarehouse.stats(),
        // The emulator stands in for the functions and Pub/Sub; the bucket's lifecycle is Cloud Storage's own.
        expired: [],
        wallMs: performance.now() - started,
      },
      config,
      write,
    );
    const deliveries = pipeline.servers.deliveries.slice(deliveriesBefore);
    const retried = deliveries.filter((delivery) => (delivery.status ?? 0) >= 300).length;
    write(
      `${deliveries.length} deliveries pushed by the emulator${retried ? ` (${retried} answered with an error and retried)` : ""}.`,
    );
    if (end.outcome === "settled" && !failures.length) {
      write(`Nothing new ran for ${runDate}: every step was already done (use --force to run them again).`);
    }
    if (end.outcome === "failed" && !failures.length) {
      write(`FAILED at ${end.step}: ${end.error}`);
    }
    const failedStep = failures[0]?.step ?? (end.outcome === "failed" ? end.step : undefined);
    if (failedStep) write(`  or event-driven: npm run emulate -- --date ${runDate} --from ${failedStep}`);

    if (options.keepRunning) {
      write("");
      write(publishHint(pipeline, runDate));
      await new Promise<never>(() => undefined);
    }
    return end.outcome === "failed" || failures.length ? 1 : 0;
  } catch (error) {
    if (error instanceof EmulatorUnavailableError || error instanceof RunTimeoutError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await cleanUp();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

if (process.argv[1]?.endsWith("tools/emulate/main.ts")) {
  emulate(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `emulate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
