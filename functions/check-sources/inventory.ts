// Pure comparison of the raw tables against the last baseline and the declared schemas.
import type { Finding } from "../shared/findings.ts";
import type { CountedTableInfo, TableInfo } from "../shared/ports.ts";
import { RAW_PARTITIONING, type RawTableSchema } from "../shared/raw-schemas.ts";

export interface Inventory {
  /** The run date whose check saved this baseline (absent in baselines saved before it was recorded). */
  runDate?: string;
  tables: Record<string, { columns: Record<string, string>; rowCount: number }>;
}

/** A raw table that lost more than this share of its rows since the baseline was saved is reported. */
export const SHRINK_ALERT_SHARE = 0.05;

export function toInventory(tables: readonly CountedTableInfo[]): Inventory {
  const inventory: Inventory = { tables: {} };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) {
    inventory.tables[table.name] = {
      columns: Object.fromEntries(table.columns.map((column) => [column.name, column.type])),
      rowCount: table.rowCount,
    };
  }
  return inventory;
}

type InventoryFinding = Omit<Finding, "step">;

export function compareInventory(
  baseline: Inventory | undefined,
  current: Inventory,
  declared: readonly RawTableSchema[],
): InventoryFinding[] {
  const findings: InventoryFinding[] = [];
  for (const table of declared) {
    if (!current.tables[table.name]) {
      findings.push({
        check: "inventory_missing_table",
        severity: "critical",
        blocking: false,
        subject: table.name,
        table: table.name,
        source: table.source,
        observed: "missing",
        expected: "present",
        message: `Expected raw table ${table.name} (${table.source}) is missing.`,
      });
    }
  }
  for (const [name, table] of Object.entries(current.tables)) {
    if (table.rowCount === 0) {
      findings.push({
        check: "inventory_empty_table",
        severity: "warning",
        blocking: false,
        subject: name,
        table: name,
        observed: 0,
        expected: "> 0 rows",
        message: `Raw table ${name} is empty.`,
      });
    }
  }
  if (!baseline) return findings;
  for (const name of Object.keys(current.tables)) {
    if (!baseline.tables[name]) {
      findings.push({
        check: "inventory_new_table",
        severity: "info",
        blocking: false,
        subject: name,
        table: name,
        observed: "new",
        expected: null,
        message: `New raw table ${name} appeared since the last run.`,
      });
    }
  }
  for (const [name, before] of Object.entries(baseline.tables)) {
    const after = current.tables[name];
    if (!after) {
      findings.push({
        check: "inventory_removed_table",
        severity: "critical",
        blocking: false,
        subject: name,
        table: name,
        observed: "removed",
        expected: "present",
        message: `Raw table ${name} existed at the last run and is gone now.`,
      });
      continue;
    }
    // Raw tables only grow (Airbyte appends); fewer rows means a reset sync or a truncation wiped history.
    if (before.rowCount > 0 && after.rowCount < before.rowCount * (1 - SHRINK_ALERT_SHARE)) {
      findings.push({
        check: "inventory_rows_shrank",
        severity: "warning",
        blocking: false,
        subject: name,
        table: name,
        metric: "row_count",
        observed: after.rowCount,
        expected: `≥ ${before.rowCount} rows (as at the last run)`,
        message: `Raw table ${name} has ${after.rowCount.toLocaleString("en-US")} rows, down from ${before.rowCount.toLocaleString("en-US")} at the last run: history may have been reset or truncated.`,
      });
    }
    for (const [column, type] of Object.entries(after.columns)) {
      const previous = before.columns[column];
      if (previous === undefined) {
        findings.push({
          check: "inventory_new_column",
          severity: "info",
          blocking: false,
          subject: `${name}.${column}`,
          table: name,
          column,
          observed: type,
          expected: null,
          message: `New column ${column} (${type}) in raw table ${name}.`,
        });
      } else if (previous !== type) {
        findings.push({
          check: "inventory_retyped_column",
          severity: "warning",
          blocking: false,
          subject: `${name}.${column}`,
          table: name,
          column,
          observed: type,
          expected: previous,
          message: `Column ${column} of raw table ${name} changed type from ${previous} to ${type}.`,
        });
      }
    }
    for (const column of Object.keys(before.columns)) {
      if (after.columns[column] === undefined) {
        findings.push({
          check: "inventory_removed_column",
          severity: "warning",
          blocking: false,
          subject: `${name}.${column}`,
          table: name,
          column,
          observed: "removed",
          expected: before.columns[column] ?? null,
          message: `Column ${column} disappeared from raw table ${name}.`,
        });
      }
    }
  }
  return findings;
}

/**
 * The shop's raw tables that the warehouse says are not partitioned on their extraction time (BigQuery; DuckDB has
 * no partitions and says nothing): every read of them in sql/ bounds _airbyte_extracted_at so that a daily run
 * reads its recent partitions only, and on such a table the same bound reads its whole history, so the run's bytes
 * grow every day. Ingest and Terraform create the raw tables partitioned; one made before them (an older Airbyte
 * destination, a hand-made load) is not, and nothing else would say so.
 */
export function unpartitionedRawTables(
  tables: readonly TableInfo[],
  declared: readonly RawTableSchema[],
): InventoryFinding[] {
  const column = RAW_PARTITIONING.column;
  const byName = new Map(tables.map((table) => [table.name, table]));
  return declared.flatMap((schema) => {
    const extracted = byName.get(schema.name)?.columns.find((candidate) => candidate.name === column);
    if (extracted?.partitioning !== false) return [];
    const name = schema.name;
    return [
      {
        check: "inventory_unpartitioned_table",
        severity: "warning",
        blocking: false,
        subject: name,
        table: name,
        source: schema.source,
        observed: "not partitioned",
        expected: `partitioned by day on ${column}`,
        message:
          `Raw table ${name} is not partitioned on ${column}: every daily run reads its whole history, so its ` +
          `BigQuery bytes grow each day. With its syncs paused, recreate it partitioned: CREATE TABLE ` +
          `raw.${name}_partitioned PARTITION BY TIMESTAMP_TRUNC(${column}, DAY) CLUSTER BY ${column} OPTIONS ` +
          `(require_partition_filter = TRUE) AS SELECT * FROM raw.${name}; ALTER TABLE raw.${name} RENAME TO ` +
          `${name}_unpartitioned; ALTER TABLE raw.${name}_partitioned RENAME TO ${name}.`,
      },
    ];
  });
}
