// Structured logs: one JSON object per line with Cloud Logging's `severity` in the cloud; a compact,
// human-readable line on a terminal.
import type { LogFields, Logger } from "../shared/ports.ts";

type Level = "debug" | "info" | "warn" | "error";

const SEVERITY: Record<Level, string> = { debug: "DEBUG", info: "INFO", warn: "WARNING", error: "ERROR" };
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LoggerOptions {
  format: "json" | "pretty";
  minLevel?: Level;
  write?: (line: string) => void;
}

function serialiseError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const minRank = RANK[options.minLevel ?? "info"];
  const emit = (level: Level, message: string, fields: LogFields = {}) => {
    if (RANK[level] < minRank) return;
    const merged: LogFields = { ...bound, ...fields };
    for (const [key, value] of Object.entries(merged)) merged[key] = serialiseError(value);
    if (options.format === "json") {
      write(
        JSON.stringify({ severity: SEVERITY[level], message, time: new Date().toISOString(), ...merged }),
      );
      return;
    }
    const context = Object.entries(merged)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    write(`${level === "info" ? "" : `${SEVERITY[level]} `}${message}${context ? `  ${context}` : ""}`);
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

export function silentLogger(): Logger {
  return createLogger({ format: "json", write: () => {} });
}
