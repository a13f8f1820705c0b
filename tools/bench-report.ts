// The benchmark's pure parts: scale flags, medians and ranges, the markdown tables, the README's marked section.
import { outputsSummary, type TableComparison } from "./bench-compare.ts";
import type { BuildMeasure } from "./bench-run.ts";
import type { TargetCheck } from "./bench-targets.ts";

export interface Timed {
  wallMs: number;
  peakRssMb: number;
  /** The child process's user + system processor time, every thread (BuildMeasure.cpuMs); absent if not recorded. */
  cpuMs?: number;
  measure?: BuildMeasure;
  /** A compared code's run that failed: why (its wall time and peak are then not numbers). */
  failure?: string;
}

export interface ValueCheck {
  /** Per output: rows compared and rows that differ (either side). */
  outputs: { output: string; rows: number; differing: number }[];
}

export interface ScaleResult {
  targetOrders: number;
  days: number;
  cold: Timed[];
  /** Cold runs of the --compare-code checkout, each right after this code's on the same data (empty without it). */
  coldCompare: Timed[];
  warm: Timed[];
  /** The same warm runs with the --compare-code checkout (empty without it). */
  warmCompare: Timed[];
  baseline: Timed[];
  check: ValueCheck | null;
  /** With --compare-code: every model table of run 1's cold build against the compared code's (else null). */
  outputs?: TableComparison[] | null;
}

export interface HistoryResult {
  multiple: number;
  days: number;
  recentPerDay: number;
  orders: number;
  coldMs: number;
  warm: Timed[];
  warmCompare: Timed[];
}

/**
 * Daily runs in a row on one warehouse: a cold build, then each day's run on what the day before left, as a shop's
 * mornings go. The scale table's warm run is the first of them only.
 */
export interface DailySequenceResult {
  orders: number;
  /** The cold build's run date; the days run are the ones after it. */
  coldDate: string;
  days: { runDate: string; own: Timed; compared?: Timed }[];
}

export interface Machine {
  cores: number;
  ramGiB: number;
  node: string;
  date: string;
}

/** What a bench run saves as its results JSON (.pulse/bench/results/bench-<time>.json). */
export interface SavedRun {
  machine: Machine;
  runs: number;
  results: ScaleResult[];
  history: HistoryResult[];
  sequence: DailySequenceResult | null;
}

/** A results JSON the bench wrote (its machine, runs, scales, history and daily runs); a clear error otherwise. */
export function parseSavedRun(text: string, file: string): SavedRun {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file} is not JSON (${error instanceof Error ? error.message : String(error)}): give a results file the bench wrote under .pulse/bench/results/`,
      { cause: error },
    );
  }
  const run = value as Partial<SavedRun> | null;
  if (
    !run ||
    typeof run !== "object" ||
    !run.machine ||
    !Array.isArray(run.results) ||
    !Array.isArray(run.history)
  )
    throw new Error(
      `${file} is not a bench results file (no machine, results and history): give a bench-….json the bench wrote under .pulse/bench/results/`,
    );
  return {
    machine: run.machine,
    runs: Number(run.runs ?? 0),
    results: run.results,
    history: run.history,
    sequence: run.sequence ?? null,
  };
}

/** "100k", "1M", "2.5M" or a plain number of orders. */
export function parseScale(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  if (!match) throw new Error(`not a scale: "${text}" (use e.g. 100k, 1M, 3M, 10M)`);
  const factor = { k: 1e3, m: 1e6, "": 1 }[(match[2] ?? "").toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

/** A --scales entry: a scale, optionally with its own number of runs ("10M:1"). */
export function parseScaleRuns(text: string, defaultRuns: number): { orders: number; runs: number } {
  const [scale = "", runs] = text.split(":");
  if (runs !== undefined && !/^\s*[1-9]\d*\s*$/.test(runs))
    throw new Error(`not a number of runs: "${text}" (use e.g. 10M:1)`);
  return { orders: parseScale(scale), runs: runs === undefined ? defaultRuns : Number(runs) };
}

export function formatOrders(orders: number): string {
  if (orders >= 1e6 && orders % 1e5 === 0) return `${orders / 1e6}M`;
  if (orders >= 1e3 && orders % 1e3 === 0) return `${orders / 1e3}k`;
  return orders.toLocaleString("en-US");
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The first line that names an error, e.g. "Out of Memory Error: could not allocate block …". */
export function failureReason(stderr: string, code: number): string {
  const line = stderr
    .split("\n")
    .map((text) => text.trim())
    .find((text) => /^(\w+ )*\w*Error:/.test(text));
  const reason = line?.replace(/^Error: /, "") ?? `exit code ${code}`;
  return reason.length > 160 ? `${reason.slice(0, 157)}…` : reason;
}

/** A compared code's runs: their median and range, or which of them failed and why. */
export function comparedSummary(runs: readonly Timed[]): string {
  const failed = runs.filter((run) => run.failure);
  if (!failed.length) return secondsSummary(runs.map((run) => run.wallMs));
  return `failed ${failed.length} of ${runs.length}: ${failed[0]?.failure ?? ""}`;
}

/** "1.23 s (1.10–1.40)": the median and the range of wall times, in seconds. */
/** Milliseconds as seconds, "1.23" under 10 s and "12.3" from there (without the unit). */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

export function secondsSummary(values: readonly number[]): string {
  if (values.length === 0) return "—";
  return `${seconds(median(values))} s (${seconds(Math.min(...values))}–${seconds(Math.max(...values))})`;
}

/** Median per model of the runs' per-model times, slowest first. */
export function modelProfile(runs: readonly Timed[]): { model: string; ms: number }[] {
  const byModel = new Map<string, number[]>();
  for (const run of runs) {
    for (const model of run.measure?.models ?? []) {
      byModel.set(model.model, [...(byModel.get(model.model) ?? []), model.ms]);
    }
  }
  return [...byModel]
    .map(([model, times]) => ({ model, ms: Math.round(median(times)) }))
    .sort((a, b) => b.ms - a.ms);
}

/** Median per step of the runs' step times, in the pipeline's order. */
export function stepProfile(runs: readonly Timed[]): { step: string; ms: number }[] {
  const steps = runs[0]?.measure?.steps.map((step) => step.step) ?? [];
  return steps.map((step) => ({
    step,
    ms: Math.round(median(runs.map((run) => run.measure?.steps.find((item) => item.step === step)?.ms ?? 0))),
  }));
}

export function renderReport(input: {
  machine: Machine;
  runs: number;
  results: ScaleResult[];
  history: HistoryResult[];
  sequence?: DailySequenceResult | null;
  compareCode?: string;
  /** Issue 18's targets judged on these results (targetChecks in ./bench-targets.ts), tabled first. */
  targets?: readonly TargetCheck[];
}): string {
  const { machine, runs, results, history, sequence, compareCode, targets } = input;
  const compared = compareCode !== undefined;
  const peak = (timed: readonly Timed[]) => {
    const measured = timed.filter((t) => !t.failure);
    return measured.length ? `${Math.max(...measured.map((t) => t.peakRssMb))}` : "—";
  };
  const lines = [
    `Measured ${machine.date} UTC on ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node ${machine.node}; ` +
      `${runs} run(s) each unless the runs column says otherwise, median (min–max) of the wall time of a child process (process start and DuckDB's ` +
      `close included), peak RSS = the highest VmHWM. Demo data over 730 days; cold = full build of every step ` +
      `for the day before the newest data, warm = the next daily run on the cold build's result.`,
    ...(targets?.length ? ["", ...targetsTable(targets)] : []),
    "",
    `| orders | runs | cold full pipeline | cold peak RSS (MB) | single-query baseline | cold ÷ baseline | baseline = marts | warm daily run | warm peak RSS (MB) |${compared ? " cold, compared code | its cold peak RSS (MB) | warm, compared code |" : ""}`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | :--- | ---: | ---: |${compared ? " ---: | ---: | ---: |" : ""}`,
    ...results.map((result) => {
      const cold = result.cold.map((t) => t.wallMs);
      const base = result.baseline.map((t) => t.wallMs);
      const ratio = base.length ? (median(cold) / median(base)).toFixed(2) : "—";
      const check = result.check
        ? result.check.outputs.every((output) => output.differing === 0)
          ? `yes (${result.check.outputs.map((output) => output.rows).join(" + ")} rows)`
          : `NO: ${result.check.outputs
              .filter((output) => output.differing > 0)
              .map((output) => `${output.output} ${output.differing}/${output.rows}`)
              .join(", ")}`
        : "—";
      const comparedCell = compared
        ? ` ${comparedSummary(result.coldCompare)} | ${peak(result.coldCompare)} | ${comparedSummary(result.warmCompare)} |`
        : "";
      return `| ${formatOrders(result.targetOrders)} | ${result.cold.length} | ${secondsSummary(cold)} | ${peak(result.cold)} | ${secondsSummary(base)} | ${ratio} | ${check} | ${secondsSummary(result.warm.map((t) => t.wallMs))} | ${peak(result.warm)} |${comparedCell}`;
    }),
  ];
  const cpu = cpuTable(results, machine.cores);
  if (cpu.length) lines.push("", ...cpu);
  const steps = results.filter((result) => result.warm.length > 0);
  if (steps.length) {
    const names = stepProfile(steps[0]?.cold ?? []).map((step) => step.step);
    lines.push(
      "",
      "Per step, median seconds (cold / warm):",
      "",
      `| orders | ${names.join(" | ")} |`,
      `| ---: | ${names.map(() => "---:").join(" | ")} |`,
      ...steps.map((result) => {
        const cold = stepProfile(result.cold);
        const warm = stepProfile(result.warm);
        const cells = names.map((name) => {
          const c = cold.find((step) => step.step === name)?.ms ?? 0;
          const w = warm.find((step) => step.step === name)?.ms ?? 0;
          return `${(c / 1000).toFixed(2)} / ${(w / 1000).toFixed(2)}`;
        });
        return `| ${formatOrders(result.targetOrders)} | ${cells.join(" | ")} |`;
      }),
    );
    const profiled = [...steps].sort((a, b) => b.targetOrders - a.targetOrders)[0];
    if (profiled) {
      const top = (runs: readonly Timed[]) =>
        modelProfile(runs)
          .slice(0, 8)
          .map((item) => `${item.model} ${item.ms}`)
          .join(", ");
      if (top(profiled.warm)) {
        lines.push(
          "",
          `Warm run at ${formatOrders(profiled.targetOrders)}: the slowest models (median ms): ${top(profiled.warm)}.`,
        );
      }
      if (compared && top(profiled.warmCompare)) {
        lines.push("", `The same with the compared code (${compareCode}): ${top(profiled.warmCompare)}.`);
      }
      if (top(profiled.cold)) {
        lines.push(
          "",
          `Cold run at ${formatOrders(profiled.targetOrders)}: the slowest models (median ms): ${top(profiled.cold)}.`,
        );
      }
      // (None when its cold runs failed.)
      if (compared && top(profiled.coldCompare)) {
        lines.push("", `The same with the compared code: ${top(profiled.coldCompare)}.`);
      }
    }
  }
  const checked = results.filter((result) => result.outputs);
  if (compared && checked.length) {
    lines.push(
      "",
      "Model outputs, this code's cold build against the compared code's (run 1; every staging, unified and mart " +
        "table, as sets of rows on the columns both have):",
      "",
      ...checked.map(
        (result) => `- ${formatOrders(result.targetOrders)}: ${outputsSummary(result.outputs ?? [])}`,
      ),
    );
  }
  if (history.length) {
    lines.push(
      "",
      `History scaling: the same ${history[0]?.recentPerDay ?? 0} orders a day on the newest days, more history; ` +
        "warm daily run (the cold build once, untimed in the ratio). The lengths' warm runs go in rounds, one of " +
        "each per round; × previous is the median (and range) of the rounds' ratios to the shorter history's run, in wall " +
        "time and in processor time (less swayed by other work on the machine, which stretches a run's wall time " +
        "while it waits).",
      "",
      `| history | days | orders | warm daily run | warm peak RSS (MB) | × previous | warm CPU | × previous (CPU) | slowest warm models (median ms) |${compared ? " warm, compared code | × previous | its slowest models |" : ""}`,
      `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |${compared ? " ---: | ---: | :--- |" : ""}`,
      ...history.map((row, index) => {
        const cells = (runs: readonly Timed[], previousRuns: readonly Timed[] | undefined) => {
          const top = modelProfile(runs)
            .slice(0, 4)
            .map((item) => `${item.model.replace(/^\w+\./, "")} ${item.ms}`)
            .join(", ");
          return {
            summary: comparedSummary(runs),
            ratio: ratioSummary(previousRuns ? roundRatios(runs, previousRuns) : []),
            cpuRatio: ratioSummary(previousRuns ? roundRatios(runs, previousRuns, (run) => run.cpuMs) : []),
            top,
          };
        };
        const own = cells(row.warm, history[index - 1]?.warm);
        const other = cells(row.warmCompare, history[index - 1]?.warmCompare);
        const comparedCells = compared ? ` ${other.summary} | ${other.ratio} | ${other.top} |` : "";
        return `| ${row.multiple}× | ${row.days} | ${formatOrders(row.orders)} | ${own.summary} | ${peak(row.warm)} | ${own.ratio} | ${cpuSeconds(row.warm)} | ${own.cpuRatio} | ${own.top} |${comparedCells}`;
      }),
    );
  }
  if (sequence?.days.length) lines.push("", ...sequenceTable(sequence, compared));
  return `${lines.join("\n")}\n`;
}

/** Issue 18's targets as a table: each target, what this run measured of it and whether that meets it. */
export function targetsTable(checks: readonly TargetCheck[]): string[] {
  const verdict = (met: boolean | undefined) => (met === undefined ? "not measured" : met ? "yes" : "**no**");
  return [
    "Issue 18's targets, judged on this run's numbers (the tables below; BigQuery's bytes per daily run are " +
      "checked by `test/adapters/warehouse/bigquery/transform-cost.test.ts`, not here):",
    "",
    "| target | measured | met |",
    "| :--- | :--- | :--- |",
    ...checks.map((check) => `| ${check.target} | ${check.measured} | ${verdict(check.met)} |`),
  ];
}

/** The processor times of the runs that recorded one and did not fail. */
function cpuTimes(runs: readonly Timed[]): number[] {
  return runs.flatMap((run) => (run.cpuMs === undefined || run.failure ? [] : [run.cpuMs]));
}

/** "12.3 s", the median processor time of the runs that recorded one, or "—". */
function cpuSeconds(runs: readonly Timed[]): string {
  const times = cpuTimes(runs);
  if (!times.length) return "—";
  const ms = median(times);
  return `${seconds(ms)} s`;
}

/** The median over runs of processor time ÷ wall time: how many cores a run kept busy on average. */
function coresBusy(runs: readonly Timed[]): string {
  const ratios = runs.flatMap((run) =>
    run.cpuMs === undefined || run.failure || !(run.wallMs > 0) ? [] : [run.cpuMs / run.wallMs],
  );
  return ratios.length ? median(ratios).toFixed(2) : "—";
}

/**
 * Processor time per scale: what a run costs the machine whatever its parallelism. On `cores` cores no run takes
 * less wall time than its processor time ÷ `cores`. Empty when no run recorded it (measures of older checkouts).
 */
export function cpuTable(results: readonly ScaleResult[], cores: number): string[] {
  if (!results.some((result) => cpuTimes(result.cold).length || cpuTimes(result.warm).length)) return [];
  return [
    `Processor time: user + system seconds of the whole child process (every DuckDB and Node thread, from its ` +
      `start until its database is closed), median; cores busy = processor time ÷ wall time, the median of the runs'. On ${cores} ` +
      `cores no run takes less wall time than its processor time ÷ ${cores}.`,
    "",
    "| orders | cold | cold cores busy | baseline | baseline cores busy | cold ÷ baseline | warm | warm cores busy |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map((result) => {
      const ratio = median(cpuTimes(result.cold)) / median(cpuTimes(result.baseline));
      return (
        `| ${formatOrders(result.targetOrders)} | ${cpuSeconds(result.cold)} | ${coresBusy(result.cold)} | ` +
        `${cpuSeconds(result.baseline)} | ${coresBusy(result.baseline)} | ` +
        `${Number.isFinite(ratio) ? ratio.toFixed(2) : "—"} | ${cpuSeconds(result.warm)} | ${coresBusy(result.warm)} |`
      );
    }),
  ];
}

/** The daily runs in a row: each day's wall time, peak and wait at close (DuckDB's checkpoint), then the medians. */
export function sequenceTable(sequence: DailySequenceResult, compared: boolean): string[] {
  const cell = (timed: Timed | undefined) =>
    !timed
      ? "— | — | —"
      : timed.failure
        ? `failed (${timed.failure}) | — | —`
        : `${(timed.wallMs / 1000).toFixed(2)} s | ${timed.peakRssMb} | ${timed.measure ? `${timed.measure.closeMs} ms` : "—"}`;
  const own = sequence.days.map((day) => day.own);
  const other = sequence.days.flatMap((day) => (day.compared ? [day.compared] : []));
  const first = sequence.days[0]?.runDate ?? "";
  const last = sequence.days.at(-1)?.runDate ?? "";
  return [
    `Daily runs in a row at ${formatOrders(sequence.orders)} orders: a cold build for ${sequence.coldDate}, then each ` +
      `day from ${first} to ${last} on the warehouse the day before left (the scale table's warm run is a first day ` +
      `only). Median ${comparedSummary(own)}${compared ? `; compared code ${comparedSummary(other)}` : ""}.`,
    "",
    `| day | daily run | peak RSS (MB) | close |${compared ? " compared code | its peak RSS (MB) | its close |" : ""}`,
    `| :--- | ---: | ---: | ---: |${compared ? " ---: | ---: | ---: |" : ""}`,
    ...sequence.days.map(
      (day) => `| ${day.runDate} | ${cell(day.own)} |${compared ? ` ${cell(day.compared)} |` : ""}`,
    ),
  ];
}

/**
 * How much slower `runs` are than `previousRuns`, made in the same rounds: the median of the rounds' ratios (the
 * k-th run of each was made side by side), so that the machine drifting between rounds cancels out. NaN without a
 * round where both succeeded and recorded `metric` (wall time unless told).
 */
export function roundRatio(
  runs: readonly Timed[],
  previousRuns: readonly Timed[],
  metric: (run: Timed) => number | undefined = (run) => run.wallMs,
): number {
  const ratios = roundRatios(runs, previousRuns, metric);
  return ratios.length ? median(ratios) : Number.NaN;
}

/** Each round's ratio of `runs` to `previousRuns` (see roundRatio), in round order; rounds without one are left out. */
export function roundRatios(
  runs: readonly Timed[],
  previousRuns: readonly Timed[],
  metric: (run: Timed) => number | undefined = (run) => run.wallMs,
): number[] {
  return runs.flatMap((run, round) => {
    const previous = previousRuns[round];
    if (!previous || run.failure || previous.failure) return [];
    const ratio = (metric(run) ?? Number.NaN) / (metric(previous) ?? Number.NaN);
    return Number.isFinite(ratio) ? [ratio] : [];
  });
}

/** The rounds' ratios as the history table shows them: their median, and their range when there are several. */
export function ratioSummary(ratios: readonly number[]): string {
  if (!ratios.length) return "—";
  const middle = median([...ratios]).toFixed(2);
  if (ratios.length === 1) return middle;
  return `${middle} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

/** `text` with what lies between the two marker lines replaced by `content` (the markers appended if missing). */
export function replaceBetweenMarkers(text: string, start: string, end: string, content: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const block = `${start}\n\n${content.trimEnd()}\n\n${end}`;
  if (from === -1 || to === -1 || to < from) return `${text.trimEnd()}\n\n${block}\n`;
  return `${text.slice(0, from)}${block}${text.slice(to + end.length)}`;
}
