// One measured build of the benchmark, run by tools/bench.ts as a child process so that its wall time includes
// process start, module loading and DuckDB's close (the checkpoint), and its peak RSS is the whole process's.
// Writes one JSON line (BuildMeasure) to --out.
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DuckDbWarehouse } from "../functions/adapters/warehouse/duckdb/warehouse.ts";
import { localSecrets } from "../functions/runtime/local-ports.ts";
import { runLocally } from "../functions/runtime/local-run.ts";
import { loadConfig } from "../functions/shared/config.ts";
import type { LogFields, Logger } from "../functions/shared/ports.ts";
import { parseRunMessage } from "../functions/shared/run-message.ts";

export interface BuildMeasure {
  kind: "cold" | "warm";
  runDate: string;
  /** Inside the process: from opening the warehouse to its close (checkpoint included). */
  runMs: number;
  engineMs: number;
  closeMs: number;
  /** VmHWM of this process at its end: the peak resident set, DuckDB's memory included. */
  peakRssMb: number;
  /**
   * Processor time of this process from its start to after the close: user + system, every thread (DuckDB's and
   * Node's), as getrusage counts it. Absent in measures of checkouts from before it was recorded.
   */
  cpuMs?: number;
  steps: { step: string; ms: number }[];
  /** rowOrder: how a whole build put its rows in partition order (MaterializeResult.rowOrder). */
  models: { model: string; ms: number; mode: string; rowOrder?: string }[];
}

/** Peak resident set of this process so far, from the kernel (VmHWM), in MB. */
export async function peakRssMb(): Promise<number> {
  const status = await readFile("/proc/self/status", "utf8").catch(() => "");
  const kb = Number(/VmHWM:\s+(\d+)\s*kB/.exec(status)?.[1] ?? 0);
  return kb ? Math.round(kb / 1024) : Math.round(process.memoryUsage.rss() / 2 ** 20);
}

/** User + system processor time of this whole process so far (all its threads), in ms. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return Math.round((usage.user + usage.system) / 1000);
}

/** A logger that keeps only the transform step's per-model timings. */
function modelTimingLogger(models: BuildMeasure["models"], bound: LogFields = {}): Logger {
  const handle = (message: string, fields: LogFields = {}) => {
    const all = { ...bound, ...fields };
    if (message === "model built" && typeof all.model === "string") {
      models.push({
        model: all.model,
        ms: Number(all.ms ?? 0),
        mode: String(all.mode ?? ""),
        ...(typeof all.rowOrder === "string" ? { rowOrder: all.rowOrder } : {}),
      });
    }
  };
  return {
    debug: handle,
    info: handle,
    warn: handle,
    error: handle,
    child: (fields) => modelTimingLogger(models, { ...bound, ...fields }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "work-dir": { type: "string" },
      "run-date": { type: "string" },
      kind: { type: "string" },
      "memory-limit": { type: "string", default: "600MB" },
      out: { type: "string" },
    },
  });
  const workDir = values["work-dir"] ?? "";
  const kind = values.kind === "cold" ? "cold" : "warm";
  const runDate = values["run-date"] ?? "";
  const config = loadConfig({
    env: { PULSE_WORK_DIR: workDir, PULSE_DUCKDB_MEMORY_LIMIT: values["memory-limit"] ?? "600MB" },
    cwd: workDir,
  });
  const started = performance.now();
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath, {
    memoryLimit: config.local.duckdbMemoryLimit,
  });
  const models: BuildMeasure["models"] = [];
  const report = await runLocally(
    config,
    parseRunMessage({
      runDate,
      runId: `bench-${kind}`,
      trigger: "manual",
      options: { fullRefresh: kind === "cold" },
    }),
    {
      log: modelTimingLogger(models),
      warehouse,
      secrets: localSecrets(config, { piiHashKey: "b".repeat(40) }),
    },
  );
  const closing = performance.now();
  await warehouse.close();
  const ended = performance.now();
  if (report.failures.length) {
    throw new Error(
      `${kind} run failed at ${report.failures.map((failure) => `${failure.step}: ${failure.error}`).join("; ")}`,
    );
  }
  const measure: BuildMeasure = {
    kind,
    runDate,
    runMs: Math.round(ended - started),
    engineMs: Math.round(report.warehouseStats.engineMs),
    closeMs: Math.round(ended - closing),
    peakRssMb: await peakRssMb(),
    cpuMs: processCpuMs(),
    steps: report.records.map((record) => ({ step: record.step, ms: record.durationMs ?? 0 })),
    models,
  };
  await writeFile(values.out ?? "/dev/stdout", `${JSON.stringify(measure)}\n`);
}

if (/bench-run\.[jt]s$/.test(process.argv[1] ?? "")) await main();
