// pulse: run the daily pipeline on this machine (DuckDB, a folder bucket, an outbox), on the shop's own files;
// the demo shop only when asked for, or in a work dir with nothing of a shop's own.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { FolderBucket } from "../adapters/bucket/folder-bucket.ts";
import { WarehouseFileDamagedError } from "../adapters/warehouse/duckdb/damaged-file.ts";
import { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import { localSecrets } from "../runtime/local-ports.ts";
import { runLocally } from "../runtime/local-run.ts";
import {
  ConfigError,
  type FlagValues,
  loadConfig,
  type PulseConfig,
  secretsFromEnvironment,
} from "../shared/config.ts";
import { INBOX_PREFIX } from "../lib/bucket-layout.ts";
import { isIsoDate, yesterdayIn } from "../lib/calendar.ts";
import { terminalSafe } from "../lib/text-safety.ts";
import { ALL_OPTIONS, flagsHelp, wrapText } from "../shared/options.ts";
import type { Secrets } from "../shared/ports.ts";
import { isStepName, STEP_NAMES, type StepName } from "../shared/pipeline.ts";
import {
  futureRunDateProblem,
  InvalidMessageError,
  newRunId,
  parseRunMessage,
} from "../shared/run-message.ts";
import { damagedWarehouseAdvice } from "./damaged-warehouse.ts";
import { decideDataMode, readWorkDirState } from "./data-mode.ts";
import { ensureDemoData, latestCompleteDay } from "./demo-data.ts";
import {
  carryInboxLoad,
  hasOrders,
  loadInboxFirst,
  type PendingInboxLoad,
  readPendingLoad,
  settlePendingLoad,
} from "./inbox-first.ts";
import { isInitUsageError, runInit } from "./init.ts";
import { LookerUrlUsageError, runLookerUrl } from "./looker-url.ts";
import { planRun } from "./plan.ts";
import { createProgressLogger } from "./progress.ts";
import { RelandUsageError, runReland } from "./reland.ts";
import { rerun } from "./rerun.ts";
import { printSummary } from "./summary.ts";

export const HELP = `DTC Pulse — the daily e-commerce and marketing analytics run, on this machine.

Usage
  npm start -- init --shop-name NAME [--timezone ZONE] [--currency CODE] [--sources shopify,meta,google,tiktok]
                    [--email-to LIST]   set up your shop: writes <work-dir>/pulse.config.json (init --help)
  npm start -- [options]            run the pipeline on your shop's data (files in <work-dir>/bucket/raw/inbox/);
                                    in a work dir with no settings, no files and no data: the demo shop
  npm start -- demo [--regenerate]  run the pipeline on the generated demo shop (every output says "demo data")
  npm start -- plan [run options]   list what each step would do, without doing it
  npm start -- plan --cloud [--date YYYY-MM-DD]
                                    the same for the cloud run (PULSE_PROJECT_ID, PULSE_BUCKET, gcloud's
                                    application-default credentials), each model's bytes from a BigQuery dry run
  npm start -- rerun --from STEP --date YYYY-MM-DD [--force] [--project P]
                                    resume a cloud run: publish its message to STEP's Pub/Sub topic
  npm start -- looker-url [--bucket NAME] [--template REPORT_ID]
                                    print the Looker Studio Linking API link that creates the dashboard,
                                    its data sources bound to the bucket's extracts (looker-url --help)
  npm start -- reland               rebuilding a damaged warehouse file: put the files the inbox loaded back
                                    into it, in the order they were loaded (reland --help)

Run options
  --date YYYY-MM-DD    business day to report on (default: the latest complete day in the data, after loading
                       the files waiting in the inbox; a day already run is then run again, every step)
  --from STEP          start at STEP (earlier steps are left as they are)
  --to STEP            stop after STEP
  --skip STEP          skip STEP; repeat or separate with commas
  --force              run steps again even if they already succeeded for this date, replacing their
                       outputs (the summary email is still sent only once per date)
  --full-refresh       rebuild every model from all history instead of the trailing window
  --verbose            print every log line, not only step progress
  --regenerate         drop and regenerate the demo data
  --data-only          with demo: generate the demo shop's raw data and stop
  --cloud              with plan: read BigQuery, the bucket's ledger and Secret Manager, not this machine
                       (default date: yesterday in the shop's time zone, the scheduled run's)
  -h, --help           this help

Settings (a flag wins over its environment variable, which wins over the settings file)
${flagsHelp()}

Steps, in order: ${STEP_NAMES.join(" → ")}

${wrapText(
  `Every setting can be given in the settings file, <work-dir>/pulse.config.json ({"version": 1, ...}), and most by an environment variable: ${ALL_OPTIONS.flatMap(([, option]) => option.env ?? []).join(", ")}.`,
  110,
  "",
)}
The README's Configuration section lists them all.

Outputs (under <work-dir>/bucket unless said otherwise)
  extracts/latest/<extract>.csv, extracts/<extract>/dt=<date>/<extract>.csv   CSV for Looker Studio
  reports/dt=<date>/dtc-pulse-<date>.pptx                                     the executive deck
  reports/dt=<date>/dashboard.html                                            the dashboard as one page
  runs/dt=<date>/steps/<step>.json                                            the run ledger
  <work-dir>/outbox/*.eml and *.html                                          the emails

Exit status: 0 when every selected step succeeded (or had already succeeded for the date), 1 when a step
failed, blocked the run, was being run by another live process or was not reached, 2 on bad usage.`;

class UsageError extends Error {}

function stepOption(value: string | undefined, flag: string): StepName | undefined {
  if (value === undefined) return undefined;
  if (!isStepName(value))
    throw new UsageError(`${flag} must be one of ${STEP_NAMES.join(", ")}; got "${value}"`);
  return value;
}

/** The run's step selection and modes, from its flags (already checked: stepOption throws on a bad step). */
function runOptions(values: ReturnType<typeof parse>["values"]) {
  return {
    from: stepOption(values.from, "--from"),
    to: stepOption(values.to, "--to"),
    skip: (values.skip ?? [])
      .flatMap((item) => item.split(","))
      .map((item) => stepOption(item.trim(), "--skip")),
    force: Boolean(values.force),
    fullRefresh: Boolean(values["full-refresh"]),
  };
}

/** A run date after the latest complete day in the shop's time zone is bad usage (exit 2), before any work. */
function refuseFutureRunDate(date: string | undefined, config: PulseConfig, now = new Date()): void {
  const problem = date === undefined ? null : futureRunDateProblem(date, now, config.shop.timezone);
  if (problem) throw new UsageError(`--date: ${problem}`);
}

export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  if (argv[0] === "rerun") return rerun(argv.slice(1), env);
  const write = (line: string) => toStdout(`${line}\n`);
  if (argv[0] === "init") return initCommand(argv.slice(1), env);
  if (argv[0] === "looker-url") return lookerUrlCommand(argv.slice(1), env);
  if (argv[0] === "reland") return relandCommand(argv.slice(1), env);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    toStderr(`${parseProblem(error)}\n\nRun with --help for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    write(HELP);
    return 0;
  }
  const command = positionals[0] ?? "run";
  if (!["run", "demo", "plan"].includes(command)) {
    toStderr(`unknown command "${command}"; run with --help for usage.\n`);
    return 2;
  }

  let config: PulseConfig;
  let secrets: Secrets;
  try {
    if (values.date !== undefined && !isIsoDate(values.date))
      throw new UsageError(`--date must be a real date as YYYY-MM-DD; got "${values.date}"`);
    for (const flag of ["from", "to"] as const) stepOption(values[flag], `--${flag}`);
    for (const item of (values.skip ?? []).flatMap((entry) => entry.split(",")))
      stepOption(item.trim(), "--skip");
    config = loadConfig({ env, flags: parsed.settingFlags, cwd: process.cwd() });
    refuseFutureRunDate(values.date, config);
    secrets = localSecrets(config, secretsFromEnvironment(env));
  } catch (error) {
    toStderr(`${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError || error instanceof UsageError ? 2 : 1;
  }

  if (values.cloud) {
    if (command !== "plan") {
      toStderr("--cloud goes with plan only: the cloud runs the pipeline itself (rerun resumes it).\n");
      return 2;
    }
    return cloudPlanCommand(config, env, values, write);
  }

  // A work dir named for a run that does not exist is a typo more often than a wish for the demo shop, which an
  // empty work dir gets by default: said, instead of two years of demo data generated into the misspelled path.
  const namedWorkDir = parsed.settingFlags["work-dir"] ?? env.PULSE_WORK_DIR;
  if (command !== "demo" && namedWorkDir !== undefined && !existsSync(config.workDir)) {
    toStderr(
      `${terminalSafe(config.workDir)} does not exist. For your shop: npm start -- init --work-dir ${terminalSafe(config.workDir)} --shop-name NAME (then drop your exports in its bucket/raw/inbox/); for the demo shop there: npm start -- demo --work-dir ${terminalSafe(config.workDir)}\n`,
    );
    return 2;
  }

  const log = createProgressLogger({ verbose: Boolean(values.verbose), write });
  let warehouse: DuckDbWarehouse;
  try {
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath, {
      memoryLimit: config.local.duckdbMemoryLimit,
    });
  } catch (error) {
    if (!(error instanceof WarehouseFileDamagedError)) throw error;
    toStderr(`${damagedWarehouseAdvice(error, config, "opening").join("\n")}\n`);
    return 1;
  }
  try {
    const mode = decideDataMode(
      command as "run" | "plan" | "demo",
      await readWorkDirState(warehouse, config, env),
      { regenerate: Boolean(values.regenerate) },
    );
    if (mode.kind === "refused") {
      toStderr(`${mode.reason}\n`);
      return 2;
    }
    const demo = mode.kind === "demo";
    if (demo) await ensureDemoData(warehouse, config, { regenerate: Boolean(values.regenerate), write });
    if (command === "demo" && values["data-only"]) return 0;

    // A whole run without --date with files in the inbox: the day to report on is the newest of the orders they
    // hold, which only ingest can tell. On a shop's first run, yesterday would be a day of no data, every source
    // stale; on a later one, the newest day reported already, every step done, and the files left unread.
    const wholeRunWithoutDate =
      command === "run" && values.date === undefined && !demo && !values.from && !values.to && !values.skip;
    const waiting = wholeRunWithoutDate ? await inboxFiles(config) : 0;
    const firstLoad = wholeRunWithoutDate && !(await hasOrders(warehouse, config));
    const loaded =
      firstLoad || waiting > 0
        ? await loadInboxFirst(config, runOptions(values), { log, warehouse, secrets }, write, {
            firstLoad,
            waiting,
          })
        : undefined;
    if (loaded && "records" in loaded) {
      await printSummary(loaded, config, write);
      return 1;
    }
    // A load whose day's run never ran with it (the process died, or the day's ingest failed): that day's next
    // run carries it, and a whole run without --date is that run, forced when the load's files needed it.
    const bucket = new FolderBucket(config.local.bucketDir);
    const earlierLoad =
      loaded || demo || command !== "run" ? undefined : await readPendingLoad(bucket, write);
    const resumed = wholeRunWithoutDate ? earlierLoad : undefined;
    if (resumed) {
      write(
        `A load of the inbox was not yet reported on ${resumed.day}: running that day${resumed.force ? " again, every step," : ""} with what the load found.`,
      );
    }
    const runDate =
      values.date ?? loaded?.day ?? resumed?.day ?? (await defaultRunDate(warehouse, config, demo, write));
    const pendingLoad: PendingInboxLoad | undefined =
      loaded ?? (earlierLoad?.day === runDate ? earlierLoad : undefined);
    let message: ReturnType<typeof parseRunMessage>;
    try {
      message = parseRunMessage({
        runDate,
        runId: newRunId("cli", new Date()),
        trigger: "cli",
        // Files landed: the day runs again whole, as a file drop has the cloud run the last complete day again
        // from ingest (infra/README.md, File drops): the day's outputs may have been made already (before the
        // shop's first orders, too), and the files may correct it.
        options: { ...runOptions(values), ...(waiting > 0 || resumed?.force ? { force: true } : {}) },
        ...(demo ? { demo: true } : {}),
      });
    } catch (error) {
      if (error instanceof UsageError || error instanceof InvalidMessageError) {
        toStderr(`${error.message}\n`);
        return 2;
      }
      throw error;
    }
    write(`DTC Pulse · ${config.shop.name} · run date ${message.runDate}${demo ? " · demo data" : ""}`);
    if (command === "plan") {
      for (const line of await planRun(message, config, { warehouse, bucket, secrets })) {
        write(line);
      }
      return 0;
    }
    const report = await runLocally(config, message, {
      log,
      warehouse,
      secrets,
      ...(pendingLoad ? { overrides: carryInboxLoad(pendingLoad.carried) } : {}),
    });
    if (pendingLoad) await settlePendingLoad(bucket, pendingLoad, report, message.runId);
    await printSummary(report, config, write);
    if (warehouse.damage)
      toStderr(`${damagedWarehouseAdvice(warehouse.damage, config, "running").join("\n")}\n`);
    return report.failures.length || report.notDone.length || report.failureEmailsNotSent.length ? 1 : 0;
  } finally {
    await warehouse.close();
  }
}

/** `plan --cloud`: the cloud run of the date (default: the scheduled run's, yesterday in the shop's time zone). */
async function cloudPlanCommand(
  config: PulseConfig,
  env: Record<string, string | undefined>,
  values: ReturnType<typeof parse>["values"],
  write: (line: string) => void,
): Promise<number> {
  const runDate = values.date ?? yesterdayIn(new Date(), config.shop.timezone);
  try {
    const message = parseRunMessage({
      runDate,
      runId: newRunId("cli", new Date()),
      trigger: "cli",
      options: runOptions(values),
    });
    write(`DTC Pulse · ${config.shop.name} · run date ${message.runDate} · the cloud run's plan`);
    const { planCloudRun } = await import("./cloud-plan.ts");
    for (const line of await planCloudRun(message, config, env)) write(line);
    return 0;
  } catch (error) {
    toStderr(`${error instanceof Error ? error.message : String(error)}\n`);
    const usage =
      error instanceof ConfigError || error instanceof UsageError || error instanceof InvalidMessageError;
    return usage ? 2 : 1;
  }
}

/** `init`: its own flags; a usage or settings problem exits 2 with the message. */
async function initCommand(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  try {
    return await runInit(argv, env, process.cwd(), (line) => toStdout(`${line}\n`));
  } catch (error) {
    toStderr(`${error instanceof Error ? error.message : String(error)}\n`);
    return isInitUsageError(error) || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
  }
}

/** `reland`: a problem the user can fix (the warehouse file still there, no manifests) exits 2 with the message. */
async function relandCommand(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  try {
    return await runReland(argv, env, process.cwd(), (line) => toStdout(`${line}\n`));
  } catch (error) {
    return commandFailed(error, RelandUsageError);
  }
}

/** `looker-url`: a usage or settings problem exits 2 with the message. */
function lookerUrlCommand(argv: string[], env: Record<string, string | undefined>): number {
  try {
    return runLookerUrl(
      argv,
      env,
      process.cwd(),
      (line) => toStdout(`${line}\n`),
      (line) => toStderr(`${line}\n`),
    );
  } catch (error) {
    return commandFailed(error, LookerUrlUsageError);
  }
}

/**
 * A subcommand's error said on stderr; its exit status: 2 for bad usage (the command's own usage error, a settings
 * problem, an option parseArgs refused), 1 otherwise.
 */
function commandFailed(error: unknown, usageError: new (...args: never[]) => Error): number {
  toStderr(`${error instanceof Error ? error.message : String(error)}\n`);
  const usage =
    error instanceof usageError ||
    error instanceof ConfigError ||
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  return usage ? 2 : 1;
}

/** How many files wait in the work dir's inbox (below it too: a dropped folder's files). */
async function inboxFiles(config: PulseConfig): Promise<number> {
  const listed = await new FolderBucket(config.local.bucketDir).list(INBOX_PREFIX);
  return listed.filter((path) => !path.endsWith("/")).length;
}

/**
 * Without --date: the newest complete day of the orders; for a shop whose files are not loaded yet, yesterday
 * in the shop's time zone (a whole run loads them first instead: loadInboxFirst).
 */
async function defaultRunDate(
  warehouse: DuckDbWarehouse,
  config: PulseConfig,
  demo: boolean,
  write: (line: string) => void,
): Promise<string> {
  if (demo) return latestCompleteDay(warehouse, config);
  try {
    return await latestCompleteDay(warehouse, config);
  } catch {
    const day = yesterdayIn(new Date(), config.shop.timezone);
    write(`No orders loaded yet: reporting on ${day} (yesterday); pass --date YYYY-MM-DD for another day.`);
    return day;
  }
}

/**
 * What is wrong with the command line, for a person: an unknown option names the nearest known one (Node's own
 * message explains positional arguments after "--", which is not the mistake a typo like --dat makes).
 */
function parseProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
  if (!unknown) return message;
  const known = Object.keys({ ...SETTING_FLAGS, ...RUN_FLAGS }).map((flag) => `--${flag}`);
  const nearest = known
    .map((flag) => ({ flag, distance: editDistance(unknown, flag) }))
    .sort((a, b) => a.distance - b.distance || a.flag.localeCompare(b.flag))[0];
  const hint = nearest && nearest.distance <= 2 ? ` (did you mean ${nearest.flag}?)` : "";
  return `unknown option ${unknown}${hint}`;
}

/** Levenshtein distance: insertions, deletions and substitutions, one each. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The run's own flags (not settings: they choose what one run does). */
const RUN_FLAGS = {
  date: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  skip: { type: "string", multiple: true },
  force: { type: "boolean" },
  "full-refresh": { type: "boolean" },
  verbose: { type: "boolean" },
  regenerate: { type: "boolean" },
  "data-only": { type: "boolean" },
  cloud: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The settings' flags, from the options table: each takes a value, validated with its setting by loadConfig. */
const SETTING_FLAGS = Object.fromEntries(
  ALL_OPTIONS.flatMap(([, option]) => (option.flag ? [[option.flag, { type: "string" }]] : [])),
) as Record<string, { type: "string" }>;

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    // Typed by the run's flags; the settings' flags are read as FlagValues by loadConfig.
    options: { ...SETTING_FLAGS, ...RUN_FLAGS } as typeof RUN_FLAGS,
  });
  return { values, settingFlags: values as FlagValues, positionals };
}

/** The reader of the output stopped early (`npm start -- --help | head`): the rest has nowhere to go. */
let stdoutClosed = false;

/**
 * Everything the command line prints goes through these: it quotes file names, findings and errors from the
 * shop's files, which must not drive the terminal (see terminalSafe).
 */
function toStdout(text: string): void {
  if (!stdoutClosed) process.stdout.write(terminalSafe(text));
}

function toStderr(text: string): void {
  process.stderr.write(terminalSafe(text));
}

// Started itself: by tsx from its TypeScript, or bundled (npm start: tools/run-bundled.mjs).
const startedFile = process.argv[1];
if (
  startedFile !== undefined &&
  (import.meta.url === pathToFileURL(startedFile).href || startedFile.endsWith("functions/cli/main.ts"))
) {
  // A closed pipe is no failure of the run, which goes on to its end and its exit status.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    stdoutClosed = true;
  });
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      toStderr(`pulse failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
