// The tables a query names, read from its text (no parse): `<dataset>.<table>` outside `--` comments. The models'
// build order takes a model's dependencies from it (models.ts), and the DuckDB warehouse the sizes of what a build
// reads.

/** The pipeline's datasets, as queries name them: the raw landing tables, the models' layers, and ops. */
export const QUERY_DATASETS = ["raw", "staging", "unified", "marts", "ops"] as const;

/** Pure: every `<dataset>.<table>` of the given datasets the query names outside comments, sorted, each once. */
export function tableReferences(sql: string, datasets: readonly string[] = QUERY_DATASETS): string[] {
  const code = sql.replace(/--.*$/gm, "");
  const references = new Set<string>();
  const pattern = new RegExp(`\\b(${datasets.join("|")})\\.([a-z_][a-z0-9_]*)\\b`, "g");
  for (const match of code.matchAll(pattern)) references.add(`${match[1]}.${match[2]}`);
  return [...references].sort();
}
