// The baseline's honesty check: its four outputs against the project's marts, row by row on the columns both
// compute (rounded to the cent where money is summed in floating point), in a DuckDB that attaches both files
// read-only.
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ValueCheck } from "./bench-report.ts";

/**
 * The comparing DuckDB's memory: past it, its set operations spill to a folder beside the compared files. Without
 * a limit DuckDB takes 80 % of the machine: comparing two 10M-order builds grew the bench to 20 GB, and the kernel
 * killed it.
 */
export const COMPARE_MEMORY_LIMIT = "3GB";

/** An in-memory DuckDB for comparing two files, spilling beside the first one (its work dir). */
export async function comparer(besideFile: string, memoryLimit: string): Promise<DuckDBInstance> {
  return DuckDBInstance.create(":memory:", {
    memory_limit: memoryLimit,
    temp_directory: join(dirname(besideFile), "compare.spill"),
  });
}

/** Each output as the same column list from the project's marts (p) and from the baseline (b). */
const OUTPUTS: { output: string; project: string; baseline: string }[] = [
  {
    output: "daily_kpis",
    project: `SELECT date, orders, round(gross_revenue::DOUBLE, 2), round(refunds::DOUBLE, 2),
      round(net_revenue::DOUBLE, 2), units, new_customers, round(ad_spend::DOUBLE, 2) FROM p.marts.daily_kpis`,
    baseline: `SELECT date, orders, round(gross_revenue::DOUBLE, 2), round(refunds::DOUBLE, 2),
      round(net_revenue::DOUBLE, 2), units, new_customers, round(ad_spend::DOUBLE, 2) FROM b.base_daily_kpis`,
  },
  {
    output: "marketing_daily_channel",
    // The mart also has a row for every paid channel on days with nothing (NULL spend while its platform had
    // not landed): the rows with spend or attributed orders are compared.
    project: `SELECT date, channel, round(COALESCE(spend, 0)::DOUBLE, 2), attributed_orders,
      round(attributed_revenue::DOUBLE, 2) FROM p.marts.marketing_daily_channel
      WHERE COALESCE(spend, 0) <> 0 OR attributed_orders <> 0`,
    baseline: `SELECT date, channel, round(spend::DOUBLE, 2), attributed_orders, round(attributed_revenue::DOUBLE, 2)
      FROM b.base_marketing_channel_day WHERE spend <> 0 OR attributed_orders <> 0`,
  },
  {
    output: "product_daily_sales",
    project: `SELECT date, product_id, units, orders, round(revenue::DOUBLE, 2) FROM p.marts.product_daily_sales`,
    baseline: `SELECT date, product_id, units, orders, round(revenue::DOUBLE, 2) FROM b.base_product_day`,
  },
  {
    output: "ltv_cohorts",
    project: `SELECT cohort_month, months_since_first_order, cohort_customers, active_customers, orders,
      round(revenue::DOUBLE, 2) FROM p.marts.ltv_cohorts`,
    baseline: `SELECT cohort_month, months_since_first_order, cohort_customers, active_customers, orders,
      round(revenue::DOUBLE, 2) FROM b.base_ltv_cohorts`,
  },
];

export async function compareWithMarts(
  projectFile: string,
  baselineFile: string,
  memoryLimit = COMPARE_MEMORY_LIMIT,
): Promise<ValueCheck> {
  const instance = await comparer(projectFile, memoryLimit);
  const connection = await instance.connect();
  try {
    await connection.run(`ATTACH '${projectFile.replaceAll("'", "''")}' AS p (READ_ONLY)`);
    await connection.run(`ATTACH '${baselineFile.replaceAll("'", "''")}' AS b (READ_ONLY)`);
    const outputs: ValueCheck["outputs"] = [];
    for (const { output, project, baseline } of OUTPUTS) {
      const reader = await connection.runAndReadAll(`
        SELECT
          (SELECT count(*) FROM (${project})) AS rows,
          (SELECT count(*) FROM ((${project}) EXCEPT ALL (${baseline}))) +
          (SELECT count(*) FROM ((${baseline}) EXCEPT ALL (${project}))) AS differing`);
      const row = reader.getRowObjectsJS()[0] ?? {};
      outputs.push({ output, rows: Number(row.rows ?? 0), differing: Number(row.differing ?? 0) });
    }
    return { outputs };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** One model table of this code's cold build against the compared code's, on the columns both have. */
export interface TableComparison {
  /** layer.name */
  table: string;
  /** Rows in this code's table and in the compared code's (null: that build has no such table). */
  rows: number | null;
  comparedRows: number | null;
  /** Rows of this build the compared one does not have, and the reverse (as multisets, on the common columns). */
  onlyOwn: number;
  onlyCompared: number;
  /** The common columns whose values differ (each compared alone, as a multiset). */
  columns: string[];
  /** Columns only this code's table has, and only the compared code's. */
  added: string[];
  dropped: string[];
}

const MODEL_LAYERS = ["staging", "unified", "marts"];

/**
 * Every model table of two cold builds of the same data, this code's (`ownFile`) and the compared code's: an
 * optimisation must leave them as they were. Order is not compared (tables are sets), only the rows.
 */
export async function compareModelOutputs(
  ownFile: string,
  comparedFile: string,
  memoryLimit = COMPARE_MEMORY_LIMIT,
): Promise<TableComparison[]> {
  const instance = await comparer(ownFile, memoryLimit);
  const connection = await instance.connect();
  const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();
  const count = async (sql: string) => Number((await rows(`SELECT count(*) AS n FROM (${sql})`))[0]?.n ?? 0);
  try {
    await connection.run(`ATTACH '${ownFile.replaceAll("'", "''")}' AS own (READ_ONLY)`);
    await connection.run(`ATTACH '${comparedFile.replaceAll("'", "''")}' AS compared (READ_ONLY)`);
    const layers = MODEL_LAYERS.map((layer) => `'${layer}'`).join(", ");
    const columns = await rows(`
      SELECT database_name AS side, schema_name || '.' || table_name AS name, column_name AS column_name
      FROM duckdb_columns()
      WHERE database_name IN ('own', 'compared') AND schema_name IN (${layers})
      ORDER BY name, column_index`);
    const tables = [...new Set(columns.map((column) => String(column.name)))];
    const comparisons: TableComparison[] = [];
    for (const table of tables) {
      const of = (side: string) =>
        columns
          .filter((column) => column.side === side && column.name === table)
          .map((column) => String(column.column_name));
      const [ownColumns, comparedColumns] = [of("own"), of("compared")];
      const common = ownColumns.filter((column) => comparedColumns.includes(column));
      const rowsIn = async (side: string, has: boolean) =>
        has ? await count(`SELECT 1 FROM ${side}.${table}`) : null;
      const comparison: TableComparison = {
        table,
        rows: await rowsIn("own", ownColumns.length > 0),
        comparedRows: await rowsIn("compared", comparedColumns.length > 0),
        onlyOwn: 0,
        onlyCompared: 0,
        columns: [],
        added: ownColumns.filter((column) => !comparedColumns.includes(column)),
        dropped: comparedColumns.filter((column) => !ownColumns.includes(column)),
      };
      if (comparison.rows !== null && comparison.comparedRows !== null && common.length) {
        const except = (list: string, from: string, minus: string) =>
          count(`SELECT ${list} FROM ${from}.${table} EXCEPT ALL SELECT ${list} FROM ${minus}.${table}`);
        const all = common.map(quoted).join(", ");
        comparison.onlyOwn = await except(all, "own", "compared");
        comparison.onlyCompared = await except(all, "compared", "own");
        if (comparison.onlyOwn + comparison.onlyCompared > 0) {
          for (const column of common) {
            const moved =
              (await except(quoted(column), "own", "compared")) +
              (await except(quoted(column), "compared", "own"));
            if (moved > 0) comparison.columns.push(column);
          }
        }
      }
      comparisons.push(comparison);
    }
    return comparisons;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** One line per table that is not the same in both builds, or that the two builds do not both have. */
export function outputDifferences(comparisons: readonly TableComparison[]): string[] {
  return comparisons.flatMap((comparison) => {
    const { table, rows, comparedRows } = comparison;
    if (rows === null) return [`${table}: only the compared code builds it`];
    if (comparedRows === null) return [`${table}: new (the compared code does not build it)`];
    const { onlyOwn, onlyCompared } = comparison;
    const where = `(${comparison.columns.join(", ") || "no single column"})`;
    const notes = [
      ...(rows !== comparedRows ? [`${comparedRows} → ${rows} rows`] : []),
      ...(onlyOwn > 0 && onlyOwn === onlyCompared ? [`${onlyOwn} of ${rows} rows differ ${where}`] : []),
      ...(onlyOwn !== onlyCompared
        ? [`${onlyOwn} rows only in this build, ${onlyCompared} only in the compared one ${where}`]
        : []),
      ...(comparison.added.length ? [`new columns ${comparison.added.join(", ")}`] : []),
      ...(comparison.dropped.length ? [`columns gone ${comparison.dropped.join(", ")}`] : []),
    ];
    return notes.length ? [`${table}: ${notes.join("; ")}`] : [];
  });
}

/** Every difference, or that there is none. */
export function outputsSummary(comparisons: readonly TableComparison[]): string {
  const differences = outputDifferences(comparisons);
  return differences.length ? differences.join("; ") : `the same in all ${comparisons.length} tables`;
}
