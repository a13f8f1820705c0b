// pulse: run the daily pipeline on this machine (DuckDB, a folder bucket, an outbox), on demo data by default.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DuckDbWarehouse } from "../adapters/warehouse/duckdb-warehouse.ts";
import { runLocally } from "../runtime/local-run.ts";
import { localPiiHashKey } from "../runtime/local-secrets.ts";
import { ConfigError, loadConfig, type PulseConfig } from "../shared/config.ts";
import { isIsoDate } from "../lib/calendar.ts";
import { isStepName, STEP_NAMES, type StepName } from "../shared/pipeline.ts";
import { InvalidMessageError, newRunId, parseRunMessage } from "../shared/run-message.ts";
import { ensureDemoData, latestCompleteDay } from "./demo-data.ts";
import { planRun } from "./plan.ts";
import { createProgressLogger } from "./progress.ts";
import { printSummary } from "./summary.ts";

export const HELP = `DTC Pulse — the daily e-commerce and marketing analytics run, on this machine.

Usage
  npm start -- [options]            run the pipeline (generates demo data on first use)
  npm start -- demo [--regenerate]  (re)generate the demo shop's raw data only
  npm start -- plan [run options]   list what each step would do, without doing it

Run options
  --date YYYY-MM-DD    business day to report on (default: the latest complete day in the data)
  --from STEP          start at STEP (earlier steps are left as they are)
  --to STEP            stop after STEP
  --skip STEP          skip STEP; repeat or separate with commas
  --force              run steps again even if they already succeeded for this date, replacing their
                       outputs (the summary email is still sent only once per date)
  --full-refresh       rebuild every model from all history instead of the trailing window
  --verbose            print every log line, not only step progress
  --work-dir DIR       where the warehouse, bucket and outbox live (default: .pulse, or $PULSE_WORK_DIR)
  -h, --help           this help

Demo data options
  --regenerate         drop and regenerate the demo data
  --orders-per-day N   average orders per day of the demo shop (default 300, or $PULSE_DEMO_ORDERS_PER_DAY)
  --days N             days of history (default 730)
  --end-date DATE      last day of demo data (default: yesterday in the shop's time zone)

Steps, in order: ${STEP_NAMES.join(" → ")}

Configuration comes from PULSE_* environment variables (see README): PULSE_SHOP_NAME, PULSE_TIMEZONE,
PULSE_CURRENCY, PULSE_EMAIL_TO, PULSE_SMTP_URL (real delivery instead of the outbox), PULSE_DASHBOARD_URL,
PULSE_LOOKBACK_DAYS, PULSE_PII_HASH_KEY (otherwise a random key is kept in <work-dir>/secrets/).

Outputs (under <work-dir>/bucket unless said otherwise)
  extracts/latest/<extract>.csv, extracts/<extract>/dt=<date>/<extract>.csv   CSV for Looker Studio
  reports/dt=<date>/dtc-pulse-<date>.pptx                                     the executive deck
  runs/dt=<date>/steps/<step>.json                                            the run ledger
  <work-dir>/outbox/*.eml and *.html                                          the emails

Exit status: 0 when every selected step succeeded, 1 when a step failed or blocked the run, 2 on bad usage.`;

class UsageError extends Error {}

function stepOption(value: string | undefined, flag: string): StepName | undefined {
  if (value === undefined) return undefined;
  if (!isStepName(value))
    throw new UsageError(`${flag} must be one of ${STEP_NAMES.join(", ")}; got "${value}"`);
  return value;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new UsageError(`${flag} must be a positive number; got "${value}"`);
  return parsed;
}

export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n\nRun with --help for usage.\n`,
    );
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    write(HELP);
    return 0;
  }
  const command = positionals[0] ?? "run";
  if (!["run", "demo", "plan"].includes(command)) {
    process.stderr.write(`unknown command "${command}"; run with --help for usage.\n`);
    return 2;
  }

  let config: PulseConfig;
  try {
    const workDir = values["work-dir"] ?? env.PULSE_WORK_DIR ?? ".pulse";
    const demoEnv = {
      ...env,
      PULSE_WORK_DIR: workDir,
      PULSE_DEMO_ORDERS_PER_DAY: values["orders-per-day"] ?? env.PULSE_DEMO_ORDERS_PER_DAY,
      PULSE_DEMO_DAYS: values.days ?? env.PULSE_DEMO_DAYS,
      PULSE_DEMO_END_DATE: values["end-date"] ?? env.PULSE_DEMO_END_DATE,
    };
    positiveNumber(values["orders-per-day"], "--orders-per-day");
    if (values.date !== undefined && !isIsoDate(values.date))
      throw new UsageError(`--date must be a real date as YYYY-MM-DD; got "${values.date}"`);
    for (const flag of ["from", "to"] as const) stepOption(values[flag], `--${flag}`);
    for (const item of (values.skip ?? []).flatMap((entry) => entry.split(",")))
      stepOption(item.trim(), "--skip");
    positiveNumber(values.days, "--days");
    if (values["end-date"] && !isIsoDate(values["end-date"]))
      throw new UsageError("--end-date must be YYYY-MM-DD");
    config = loadConfig(demoEnv, {
      cwd: process.cwd(),
      piiHashKey: await localPiiHashKey(resolve(process.cwd(), workDir), env),
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError || error instanceof UsageError ? 2 : 1;
  }

  const log = createProgressLogger({ verbose: Boolean(values.verbose), write });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath, {
    memoryLimit: config.local.duckdbMemoryLimit,
  });
  try {
    const demo = await ensureDemoData(warehouse, config, { regenerate: Boolean(values.regenerate), write });
    if (command === "demo") return 0;

    const runDate = values.date ?? (await latestCompleteDay(warehouse, config));
    let message: ReturnType<typeof parseRunMessage>;
    try {
      message = parseRunMessage({
        runDate,
        runId: newRunId("cli", new Date()),
        trigger: "cli",
        options: {
          from: stepOption(values.from, "--from"),
          to: stepOption(values.to, "--to"),
          skip: (values.skip ?? [])
            .flatMap((item) => item.split(","))
            .map((item) => stepOption(item.trim(), "--skip")),
          force: Boolean(values.force),
          fullRefresh: Boolean(values["full-refresh"]),
        },
      });
    } catch (error) {
      if (error instanceof UsageError || error instanceof InvalidMessageError) {
        process.stderr.write(`${error.message}\n`);
        return 2;
      }
      throw error;
    }
    write(`DTC Pulse · ${config.shop.name} · run date ${message.runDate}${demo ? " · demo data" : ""}`);
    if (command === "plan") {
      const { FolderBucket } = await import("../adapters/bucket/folder-bucket.ts");
      for (const line of await planRun(message, config, {
        warehouse,
        bucket: new FolderBucket(config.local.bucketDir),
      })) {
        write(line);
      }
      return 0;
    }
    const report = await runLocally(config, message, { log, warehouse });
    await printSummary(report, config, write);
    return report.failures.length ? 1 : 0;
  } finally {
    await warehouse.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      date: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      skip: { type: "string", multiple: true },
      force: { type: "boolean" },
      "full-refresh": { type: "boolean" },
      verbose: { type: "boolean" },
      "work-dir": { type: "string" },
      regenerate: { type: "boolean" },
      "orders-per-day": { type: "string" },
      days: { type: "string" },
      "end-date": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("functions/cli/main.ts")) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `pulse failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
