// The pipeline's small JSON state files in the bucket (ledger records, email markers, the inventory baseline,
// file manifests, the sources' status): a torn, emptied or hand-mangled one must never fail every later run.
// Reading one that does not parse or has the wrong shape sets it aside as <path>.corrupt-<timestamp> (kept for
// a look) and reports it as absent, so whatever wrote it derives it again; the caller says so in its log.
import type { Bucket } from "./ports.ts";

export interface CorruptState {
  path: string;
  setAsideTo: string;
  reason: string;
}

export interface StateRead<T> {
  value: T | undefined;
  corrupt?: CorruptState;
}

/** Moves an unreadable state file out of the way as <path>.corrupt-<timestamp>; returns where it went. */
export async function setAside(bucket: Bucket, path: string, now: Date = new Date()): Promise<string> {
  const target = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, "-")}`;
  await bucket.copy(path, target);
  await bucket.delete(path);
  return target;
}

/**
 * Reads and parses a JSON state file. `check` returns why a parsed value is not the expected shape, or
 * undefined when it is.
 */
export async function readStateFile<T>(
  bucket: Bucket,
  path: string,
  check: (value: unknown) => string | undefined,
): Promise<StateRead<T>> {
  const body = await bucket.read(path);
  if (body === undefined) return { value: undefined };
  let reason: string | undefined;
  let value: unknown;
  if (body.byteLength === 0) reason = "the file is empty";
  else {
    try {
      value = JSON.parse(body.toString("utf8"));
      reason = check(value);
    } catch (error) {
      reason = `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  if (reason === undefined) return { value: value as T };
  const setAsideTo = await setAside(bucket, path);
  return { value: undefined, corrupt: { path, setAsideTo, reason } };
}

/** A check for readStateFile: a JSON object carrying these keys. */
export function objectWith(...keys: string[]): (value: unknown) => string | undefined {
  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
    const missing = keys.filter((key) => !(key in value));
    return missing.length ? `missing ${missing.join(", ")}` : undefined;
  };
}

export function describeCorrupt(corrupt: CorruptState): string {
  return `state file ${corrupt.path} was unreadable (${corrupt.reason}); set aside as ${corrupt.setAsideTo} and derived again`;
}
