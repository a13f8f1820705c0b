// npm run bench: the pipeline at several scales (demo data cached under .pulse/bench/, outside git).
// For each scale: a cold full build of every step from raw, then a warm daily run (one new day, incremental
// models), with per-step wall time, peak RSS, and engine time against the total (orchestration overhead).
import { copyFile, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DuckDbWarehouse } from "../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../functions/demo/generate.ts";
import { runLocally } from "../functions/runtime/local-run.ts";
import { loadConfig } from "../functions/shared/config.ts";
import { addDays } from "../functions/lib/calendar.ts";
import { readQuery } from "../functions/lib/sql/queries.ts";
import type { LogFields, Logger } from "../functions/shared/ports.ts";
import { parseRunMessage } from "../functions/shared/run-message.ts";
import { fixedSecrets } from "../test/support/secrets.ts";

const END = "2026-11-21";
const DAYS = 730;

interface StepMeasure {
  step: string;
  ms: number;
  peakRssMb: number;
}

interface RunMeasure {
  kind: "cold" | "warm";
  runDate: string;
  wallMs: number;
  engineMs: number;
  peakRssMb: number;
  steps: StepMeasure[];
}

interface ScaleResult {
  targetOrders: number;
  orders: number;
  rawBytes: number;
  generateSeconds: number | null;
  cold: RunMeasure;
  warm: RunMeasure;
}

/** Samples RSS and attributes each sample's peak to the step running at the time. */
class MemoryProbe {
  private current = "setup";
  private readonly peaks = new Map<string, number>();
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.sample(), 20);
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    this.peak = Math.max(this.peak, rss);
    this.peaks.set(this.current, Math.max(this.peaks.get(this.current) ?? 0, rss));
  }

  enter(step: string): void {
    this.sample();
    this.current = step;
  }

  stepPeakMb(step: string): number {
    return Math.round((this.peaks.get(step) ?? 0) / 2 ** 20);
  }

  peakMb(): number {
    this.sample();
    return Math.round(this.peak / 2 ** 20);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function probeLogger(probe: MemoryProbe, bound: LogFields = {}): Logger {
  const handle = (fields: LogFields = {}) => {
    const all = { ...bound, ...fields };
    if (all.event === "step.started" && typeof all.step === "string") probe.enter(all.step);
  };
  return {
    debug: (_message, fields) => handle(fields),
    info: (_message, fields) => handle(fields),
    warn: (_message, fields) => handle(fields),
    error: (_message, fields) => handle(fields),
    child: (fields) => probeLogger(probe, { ...bound, ...fields }),
  };
}

async function cachedDataset(cacheDir: string, orders: number, log: (line: string) => void) {
  const path = join(cacheDir, `raw-${orders}.duckdb`);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists) return { path, seconds: null };
  await mkdir(cacheDir, { recursive: true });
  const warehouse = await DuckDbWarehouse.open(`${path}.tmp`);
  log(`  generating ${orders.toLocaleString("en-US")} orders (cached for next time) …`);
  const manifest = await generateDemoData(warehouse.rawConnection, "raw", {
    ...defaultDemoOptions(END),
    startDate: addDays(END, -(DAYS - 1)),
    ordersPerDay: orders / DAYS,
  });
  await warehouse.rawConnection.run("CHECKPOINT");
  await warehouse.close();
  await copyFile(`${path}.tmp`, path);
  await rm(`${path}.tmp`, { force: true });
  return { path, seconds: manifest.seconds };
}

async function measureRun(
  kind: RunMeasure["kind"],
  workDir: string,
  runDate: string,
  options: { fullRefresh: boolean; memoryLimit: string },
): Promise<RunMeasure> {
  const config = loadConfig({
    env: { PULSE_WORK_DIR: workDir, PULSE_DUCKDB_MEMORY_LIMIT: options.memoryLimit },
    cwd: workDir,
  });
  const probe = new MemoryProbe();
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath, {
    memoryLimit: config.local.duckdbMemoryLimit,
  });
  try {
    const report = await runLocally(
      config,
      parseRunMessage({
        runDate,
        runId: `bench-${kind}`,
        trigger: "manual",
        options: { fullRefresh: options.fullRefresh },
      }),
      { log: probeLogger(probe), warehouse, secrets: fixedSecrets({ piiHashKey: "b".repeat(40) }) },
    );
    if (report.failures.length) {
      throw new Error(
        `${kind} run failed at ${report.failures.map((failure) => `${failure.step}: ${failure.error}`).join("; ")}`,
      );
    }
    return {
      kind,
      runDate,
      wallMs: Math.round(report.wallMs),
      engineMs: Math.round(report.warehouseStats.engineMs),
      peakRssMb: probe.peakMb(),
      steps: report.records.map((record) => ({
        step: record.step,
        ms: record.durationMs ?? 0,
        peakRssMb: probe.stepPeakMb(record.step),
      })),
    };
  } finally {
    probe.stop();
    await warehouse.close();
  }
}

function markdown(results: ScaleResult[], cores: number): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const lines = [
    `# DTC Pulse benchmark — ${new Date().toISOString()}`,
    "",
    `Machine: ${cores} cores, ${Math.round(totalmem() / 2 ** 30)} GiB. Node ${process.version}. Demo data over ${DAYS} days.`,
    "",
    "| orders | cold full pipeline (s) | cold peak RSS (MB) | cold engine (s) | overhead (wall ÷ engine) | warm daily run (s) | warm peak RSS (MB) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map(
      (result) =>
        `| ${result.orders.toLocaleString("en-US")} | ${seconds(result.cold.wallMs)} | ${result.cold.peakRssMb} | ${seconds(result.cold.engineMs)} | ${(result.cold.wallMs / result.cold.engineMs).toFixed(2)} | ${seconds(result.warm.wallMs)} | ${result.warm.peakRssMb} |`,
    ),
    "",
    "Per step (cold / warm, seconds and peak RSS MB):",
    "",
    `| orders | ${results[0]?.cold.steps.map((step) => step.step).join(" | ") ?? ""} |`,
    `| ---: | ${results[0]?.cold.steps.map(() => "---:").join(" | ") ?? ""} |`,
    ...results.map((result) => {
      const cells = result.cold.steps.map((step, index) => {
        const warm = result.warm.steps[index];
        return `${seconds(step.ms)} / ${seconds(warm?.ms ?? 0)} (${step.peakRssMb} MB)`;
      });
      return `| ${result.orders.toLocaleString("en-US")} | ${cells.join(" | ")} |`;
    }),
  ];
  const warm1m = results.find((result) => result.targetOrders === 1_000_000);
  const warm3m = results.find((result) => result.targetOrders === 3_000_000);
  if (warm1m && warm3m) {
    lines.push(
      "",
      `Warm run at 3M ÷ warm run at 1M: ${(warm3m.warm.wallMs / warm1m.warm.wallMs).toFixed(2)} (target ≤ 1.3).`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scales: { type: "string", default: "100000,1000000,3000000" },
      "work-dir": { type: "string", default: ".pulse/bench" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(
      "npm run bench -- [--scales 100000,1000000,3000000] [--work-dir .pulse/bench]\n" +
        "Generates (once, cached) demo data at each scale, then measures a cold full build and a warm daily run.\n",
    );
    return;
  }
  const root = join(process.cwd(), values["work-dir"] ?? ".pulse/bench");
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const scales = (values.scales ?? "")
    .split(",")
    .map((value) => Number(value.trim()))
    .filter((value) => value > 0);
  const results: ScaleResult[] = [];
  for (const target of scales) {
    log(`scale ${target.toLocaleString("en-US")} orders`);
    const dataset = await cachedDataset(join(root, "data"), target, log);
    const workDir = join(root, "runs", String(target));
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    await copyFile(dataset.path, join(workDir, "warehouse.duckdb"));
    const probe = await DuckDbWarehouse.open(join(workDir, "warehouse.duckdb"));
    const [counted] = await probe.query<{ orders: number }>(readQuery("tools/raw_order_count"));
    await probe.close();
    // Cold: every step, every model from raw, for the day before the newest data; warm: the newest day.
    // The 1 GB target is set at 1M orders; larger shops get more room (DuckDB spills to disk past the limit).
    const memoryLimit = target <= 1_000_000 ? "560MB" : "2GB";
    const cold = await measureRun("cold", workDir, addDays(END, -1), { fullRefresh: true, memoryLimit });
    log(`  cold ${(cold.wallMs / 1000).toFixed(1)}s, peak ${cold.peakRssMb} MB`);
    const warm = await measureRun("warm", workDir, END, { fullRefresh: false, memoryLimit });
    log(`  warm ${(warm.wallMs / 1000).toFixed(1)}s, peak ${warm.peakRssMb} MB`);
    results.push({
      targetOrders: target,
      orders: counted?.orders ?? 0,
      rawBytes: (await stat(dataset.path)).size,
      generateSeconds: dataset.seconds,
      cold,
      warm,
    });
  }
  const cores = cpus().length;
  const report = markdown(results, cores);
  await mkdir(join(root, "results"), { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  await writeFile(
    join(root, "results", `bench-${stamp}.json`),
    `${JSON.stringify({ cores, results }, null, 2)}\n`,
  );
  await writeFile(join(root, "results", `bench-${stamp}.md`), report);
  log("");
  log(report);
  log(`written to ${join(root, "results")}`);
}

await main();
