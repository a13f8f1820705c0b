// The SQL lives in sql/ at the repository root; compiled code runs from dist/, so find the folder by walking up.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findSqlRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, "sql");
    if (existsSync(join(candidate, "marts"))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) throw new Error("cannot find the sql/ folder above the code");
    folder = parent;
  }
}

const SQL_ROOT = findSqlRoot();
const cache = new Map<string, string>();

/** Reads sql/<relativePath> (e.g. "marts/daily_kpis.sql"). */
export function readSql(relativePath: string): string {
  const cached = cache.get(relativePath);
  if (cached !== undefined) return cached;
  const text = readFileSync(join(SQL_ROOT, relativePath), "utf8");
  cache.set(relativePath, text);
  return text;
}

export function sqlPath(relativePath: string): string {
  return join(SQL_ROOT, relativePath);
}
