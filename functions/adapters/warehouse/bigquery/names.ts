// Names in the SQL sent to BigQuery: validated identifiers, and the logical datasets renamed to their physical,
// prefixed names.

/** The logical datasets of pipeline.json; only these are renamed when a prefix is set. */
const LOGICAL_DATASETS = ["raw", "staging", "unified", "marts", "ops"] as const;
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid BigQuery identifier "${name}"`);
  return `\`${name}\``;
}

/**
 * Renames the logical datasets (raw., staging., …) of a statement to their physical names. Only runs when a
 * prefix is configured; string literals and comments are left alone. The models never alias a table with a
 * dataset's name, which is what makes this safe.
 */
export function renameDatasets(sql: string, rename: (dataset: string) => string): string {
  let out = "";
  let index = 0;
  const names = new Set<string>(LOGICAL_DATASETS);
  while (index < sql.length) {
    const rest = sql.slice(index);
    const skipped =
      /^'(?:[^'\\]|\\.)*'/.exec(rest) ??
      /^"(?:[^"\\]|\\.)*"/.exec(rest) ??
      /^(?:--|#)[^\n]*/.exec(rest) ??
      /^\/\*[\s\S]*?\*\//.exec(rest);
    if (skipped) {
      out += skipped[0];
      index += skipped[0].length;
      continue;
    }
    const word = /^(`?)([A-Za-z_][A-Za-z0-9_]*)(?=\.)/.exec(rest);
    const before = sql[index - 1] ?? "";
    if (word && !/[\w.@`]/.test(before)) {
      const [whole, tick = "", name = ""] = word;
      out += tick + (names.has(name) ? rename(name) : name);
      index += whole.length;
      continue;
    }
    const identifier = /^[A-Za-z0-9_]+/.exec(rest);
    const step = identifier ? identifier[0] : (rest[0] ?? "");
    out += step;
    index += step.length;
  }
  return out;
}
