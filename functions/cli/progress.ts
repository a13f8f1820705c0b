// Progress on a terminal: one line as each step starts and one as it ends, from the steps' structured logs.
import { STEP_NAMES } from "../shared/pipeline.ts";
import type { LogFields, Logger } from "../shared/ports.ts";

export interface ProgressOptions {
  verbose: boolean;
  write: (line: string) => void;
}

const seconds = (ms: unknown) => (typeof ms === "number" ? `${(ms / 1000).toFixed(1)}s` : "");

export function createProgressLogger(options: ProgressOptions, bound: LogFields = {}): Logger {
  const position = (step: unknown) =>
    `[${STEP_NAMES.indexOf(step as (typeof STEP_NAMES)[number]) + 1}/${STEP_NAMES.length}]`;
  const emit = (level: string, message: string, fields: LogFields = {}) => {
    const all = { ...bound, ...fields };
    const step = all.step;
    switch (all.event) {
      case "step.started":
        options.write(`${position(step)} ${step} …`);
        return;
      case "step.succeeded":
        options.write(
          `${position(step)} ${step} ✓ ${seconds(all.durationMs)}  ${all.summary ?? ""}`.trimEnd(),
        );
        return;
      case "step.blocked":
        options.write(`${position(step)} ${step} ✗ blocked the run  ${all.summary ?? ""}`);
        return;
      case "step.failed":
        options.write(
          `${position(step)} ${step} ✗ failed${all.transient ? " (will retry)" : ""}: ${all.error instanceof Error ? all.error.message : String(all.error)}`,
        );
        return;
      case "step.skipped":
        options.write(`${position(step)} ${step} – skipped (not selected)`);
        return;
      case "step.in-progress":
        options.write(`${position(step)} ${step} ✗ not run: ${String(all.holder ?? "another run holds it")}`);
        return;
      case "step.duplicate":
        options.write(`${position(step)} ${step} – already done for this date (use --force to rebuild)`);
        return;
      default:
        if (level === "debug" && !options.verbose) return;
        if (level === "info" && !options.verbose) return;
        options.write(
          `${level === "info" || level === "debug" ? "  " : `${level.toUpperCase()}: `}${message}`,
        );
    }
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (fields) => createProgressLogger(options, { ...bound, ...fields }),
  };
}
