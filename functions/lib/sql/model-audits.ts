// The audits every model gets from its header (functions/lib/sql/models.ts), generated here at load time so
// that they cannot drift from the grain they check: its key is unique, and its key and `not null` columns hold
// no NULL. Both are blocking. They read like the hand-written audits in sql/audits/ (same header, same
// parameters), and the ZetaSQL test analyses them with those.
import type { ModelDefinition } from "./models.ts";

export interface GeneratedAudit {
  /** The name it would have as a file under sql/audits/. */
  file: string;
  sql: string;
}

/** The WHERE condition that keeps a partitioned model's audit to the run window's partitions. */
function windowFilter(model: ModelDefinition): string[] {
  if (model.partitionColumn === undefined) return [];
  const start = model.partitionGrain === "month" ? "DATE_TRUNC(@window_start, MONTH)" : "@window_start";
  return [`${model.partitionColumn} BETWEEN ${start} AND @window_end`];
}

function whereClause(conditions: readonly string[]): string[] {
  return conditions.length === 0 ? [] : [`WHERE ${conditions.join("\n  AND ")}`];
}

export function uniquenessAudit(model: ModelDefinition): GeneratedAudit {
  const table = `${model.layer}.${model.name}`;
  const key = model.key.map((column) => column.name);
  return {
    file: `unique_${model.name}.sql`,
    sql: [
      `-- Audit (blocking): ${table} has ${model.grain} (key: ${key.join(", ")}).`,
      `-- Table: ${table}`,
      `-- Column: ${key[key.length - 1]}`,
      `SELECT ${key.join(", ")}, COUNT(*) AS copies`,
      `FROM ${table}`,
      ...whereClause(windowFilter(model)),
      `GROUP BY ${key.join(", ")}`,
      "HAVING COUNT(*) > 1",
      "",
    ].join("\n"),
  };
}

export function notNullAudit(model: ModelDefinition): GeneratedAudit {
  const table = `${model.layer}.${model.name}`;
  const columns = model.notNull;
  const shown = [...new Set([...model.key.map((column) => column.name), ...columns])];
  return {
    file: `not_null_${model.name}.sql`,
    sql: [
      `-- Audit (blocking): no row of ${table} has a NULL ${columns.join(", ")}.`,
      `-- Table: ${table}`,
      ...(columns.length === 1 ? [`-- Column: ${columns[0]}`] : []),
      `SELECT ${shown.join(", ")}`,
      `FROM ${table}`,
      ...whereClause([
        ...windowFilter(model),
        columns.length === 1
          ? `${columns[0]} IS NULL`
          : `(${columns.map((c) => `${c} IS NULL`).join(" OR ")})`,
      ]),
      "",
    ].join("\n"),
  };
}

/** Every model's uniqueness and not-null audits, in build order. */
export function modelAudits(models: readonly ModelDefinition[]): GeneratedAudit[] {
  return models.flatMap((model) => [
    uniquenessAudit(model),
    ...(model.notNull.length > 0 ? [notNullAudit(model)] : []),
  ]);
}
