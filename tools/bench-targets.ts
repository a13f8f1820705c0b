// Issue 18's performance targets, judged on what a bench run measured: a table of each target, the number it
// measured and whether that meets it. Pure: the bench's own results in, table rows out. A target whose scale
// the run did not measure says so instead of passing.
import {
  formatOrders,
  median,
  roundRatio,
  seconds,
  type HistoryResult,
  type ScaleResult,
} from "./bench-report.ts";

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined: this run did not measure it. */
  met: boolean | undefined;
}

const GIB_MB = 1024;

function scaleOf(results: readonly ScaleResult[], orders: number): ScaleResult | undefined {
  return results.find((result) => result.targetOrders === orders && result.cold.length > 0);
}

function notMeasured(target: string, orders: number): TargetCheck {
  return { target, measured: `${formatOrders(orders)} not measured in this run`, met: undefined };
}

/**
 * A scale's median wall time (cold or warm) against a ceiling. A cold one also names the single-query baseline's
 * median at that scale, where the run measured it: four outputs from the same raw file, persisting no table, so a
 * ceiling below it is below what any full pipeline on this machine can reach.
 */
function wallTarget(
  results: readonly ScaleResult[],
  orders: number,
  kind: "cold" | "warm",
  ceilingMs: number,
): TargetCheck {
  const target = `${formatOrders(orders)} orders, ${kind === "cold" ? "cold full pipeline" : "warm daily run"} ≤ ${seconds(ceilingMs)} s`;
  const scale = scaleOf(results, orders);
  const runs = scale?.[kind] ?? [];
  if (!runs.length) return notMeasured(target, orders);
  const ms = median(runs.map((run) => run.wallMs));
  const baseline = kind === "cold" ? (scale?.baseline ?? []) : [];
  const floor = baseline.length
    ? `; the single-query baseline alone: ${seconds(median(baseline.map((run) => run.wallMs)))} s`
    : "";
  return { target, measured: `${seconds(ms)} s (median of ${runs.length})${floor}`, met: ms <= ceilingMs };
}

function peakTarget(
  results: readonly ScaleResult[],
  orders: number,
  ceilingMb: number,
  target = `${formatOrders(orders)} orders, cold peak RSS ≤ ${ceilingMb / GIB_MB} GB (${ceilingMb} MB)`,
): TargetCheck {
  const scale = scaleOf(results, orders);
  if (!scale) return notMeasured(target, orders);
  const peak = Math.max(...scale.cold.map((run) => run.peakRssMb));
  return {
    target,
    measured: `${peak} MB (highest of ${scale.cold.length})`,
    met: peak <= ceilingMb,
  };
}

function baselineTarget(results: readonly ScaleResult[], orders: number, ceiling: number): TargetCheck {
  const target = `${formatOrders(orders)} orders, cold ≤ ${ceiling}× the single-query DuckDB baseline`;
  const scale = scaleOf(results, orders);
  const base = scale?.baseline ?? [];
  if (!scale || !base.length) return notMeasured(target, orders);
  const ratio = median(scale.cold.map((run) => run.wallMs)) / median(base.map((run) => run.wallMs));
  return { target, measured: `${ratio.toFixed(2)}×`, met: ratio <= ceiling };
}

/** Each doubling of history, in wall and processor time; met when neither moves the warm run by more than 10 %. */
function historyTarget(history: readonly HistoryResult[]): TargetCheck {
  const target =
    "each doubling of history (same orders a day) changes the warm run by ≤ 10 %, wall and processor time";
  const steps = history.slice(1).map((row, index) => {
    const previous = history[index];
    const wall = previous ? roundRatio(row.warm, previous.warm) : Number.NaN;
    const cpu = previous ? roundRatio(row.warm, previous.warm, (run) => run.cpuMs) : Number.NaN;
    return { label: `${previous?.multiple}×→${row.multiple}×`, wall, cpu };
  });
  const judged = steps.filter((step) => Number.isFinite(step.wall));
  if (!judged.length) return { target, measured: "history not measured in this run", met: undefined };
  // As the table shows it: ×1.10 is within (1100 ÷ 1000 is 1.1000000000000001 in floating point).
  const within = (ratio: number) => Math.abs(ratio - 1) <= 0.1 + 1e-9;
  return {
    target,
    measured: judged
      .map(
        (step) =>
          `${step.label} ×${step.wall.toFixed(2)}${Number.isFinite(step.cpu) ? ` (CPU ×${step.cpu.toFixed(2)})` : ""}`,
      )
      .join(", "),
    met: judged.every((step) => within(step.wall) && (!Number.isFinite(step.cpu) || within(step.cpu))),
  };
}

/**
 * Every run this code made completed: none ran out of memory. A run of this code that fails stops the bench before
 * any table is written (bench.ts keeps only the compared code's failures as rows), so this records how many runs,
 * and up to which scale, the table stands on.
 */
function completionTarget(results: readonly ScaleResult[], history: readonly HistoryResult[]): TargetCheck {
  const target = "no out-of-memory at any scale: every cold, warm and history run completes";
  const runs =
    results.reduce((sum, result) => sum + result.cold.length + result.warm.length, 0) +
    history.reduce((sum, row) => sum + row.warm.length, 0);
  if (!runs) return { target, measured: "nothing measured in this run", met: undefined };
  const scales = results.length
    ? `, up to ${formatOrders(Math.max(...results.map((result) => result.targetOrders)))} orders`
    : " (history runs only)";
  return { target, measured: `${runs} of ${runs} completed${scales}`, met: true };
}

function repeatsTarget(results: readonly ScaleResult[]): TargetCheck {
  const target = "each measurement repeated ≥ 3 times (median and range)";
  if (!results.length) return { target, measured: "no scale measured in this run", met: undefined };
  return {
    target,
    measured: results
      .map((result) => `${formatOrders(result.targetOrders)}: ${result.cold.length}`)
      .join(", "),
    met: results.every((result) => result.cold.length >= 3 && result.warm.length >= 3),
  };
}

/** Issue 18's targets, in its order, judged on this bench run's results. */
export function targetChecks(
  results: readonly ScaleResult[],
  history: readonly HistoryResult[],
): TargetCheck[] {
  return [
    wallTarget(results, 1_000_000, "cold", 8_000),
    baselineTarget(results, 1_000_000, 1.5),
    peakTarget(results, 1_000_000, GIB_MB),
    wallTarget(results, 3_000_000, "cold", 25_000),
    peakTarget(results, 10_000_000, 2 * GIB_MB, "10M orders, cold completes with peak RSS ≤ 2 GB (2048 MB)"),
    completionTarget(results, history),
    wallTarget(results, 1_000_000, "warm", 1_000),
    historyTarget(history),
    repeatsTarget(results),
  ];
}
