// The tables a BigQuery statement reads, and how far back each read reaches by BigQuery's pruning rule: a read
// filtered on the table's partition column against a parameter reaches the days the filter selects; any other
// read, the whole history. One parser for the tests that hold the daily run's reads to the run window: the SQL
// files' (test/sql/partition-filters.test.ts) and the jobs the BigQuery adapter sends
// (test/adapters/warehouse/bigquery/transform-cost.test.ts), and whether each read of a raw table carries the filter
// its require_partition_filter demands (test/sql/raw-partition-filters.test.ts).
import { MODELS } from "../../functions/lib/sql/models.ts";

/** How far a read reaches: the days its filter selects, all of history, or a small table of fixed size. */
export type Reach = "window" | "history" | "fixed";

export interface TableRead {
  /** "<dataset>.<table>", or "{{table}}" for a query template's table slot (a raw table). */
  table: string;
  reach: Reach;
  /** The table's partition column, when it has one. */
  partitionColumn?: string;
  /** Partitioned by month: a read of the window costs its whole months. */
  monthly?: boolean;
  /**
   * A read of all history bounded below on its partition column by a constant (`_airbyte_extracted_at >=
   * TIMESTAMP('2000-01-01')`): it reaches every partition, but names the column as BigQuery's
   * require_partition_filter demands, so that a raw table refuses only the reads that name no bound at all.
   */
  constantBound?: boolean;
  /**
   * Its bound on the partition column is a condition of its own (right after WHERE or AND), as BigQuery needs to
   * prune: the same bound as one side of an OR (`WHERE a OR _airbyte_extracted_at >= …`) selects every partition.
   */
  conjunctBound?: boolean;
}

interface Layout {
  partitionColumn?: string;
  monthly?: boolean;
  /** An unpartitioned table that grows with history. */
  grows?: boolean;
}

const DATASETS = ["raw", "staging", "unified", "marts", "ops"] as const;

/**
 * The unpartitioned models that grow with the shop's age: one row per customer, and every day brings new ones.
 * The others are small and bounded: the catalog (one row per product), the channel list, the cohort grid.
 */
const GROWING_DIMENSIONS = new Set(["staging.stg_shopify_customers"]);

/** How a table is laid out: raw by load time (Airbyte's destination), models by their SQL header. */
function layoutOf(table: string): Layout | undefined {
  const [dataset = "", name = ""] = table.split(".");
  if (dataset === "raw" || table === "{{table}}") return { partitionColumn: "_airbyte_extracted_at" };
  // The transform's watermarks: a row a day, partitioned by run date (the other ops tables are not read daily).
  if (dataset === "ops") return name === "transform_watermarks" ? { partitionColumn: "run_date" } : {};
  const model = MODELS.find((candidate) => candidate.layer === dataset && candidate.name === name);
  if (!model) return undefined;
  if (model.partitionColumn) {
    return { partitionColumn: model.partitionColumn, monthly: model.partitionGrain === "month" };
  }
  return { grows: GROWING_DIMENSIONS.has(table) };
}

/**
 * The table references of `sql` that read, with how far each reaches. A reference's filter is its query block: the
 * text after it up to the next FROM or JOIN. Comments, string literals, write targets (INSERT INTO, CREATE … TABLE, ALTER TABLE)
 * and an unfiltered COUNT(*) of a whole table (answered from metadata, free) are not reads.
 */
export function tableReads(sql: string): TableRead[] {
  // Comments and string literals name tables without reading them ('unified.shopify_unified' AS table_name).
  const text = sql.replace(/--[^\n]*/g, "").replace(/'(?:[^'\\]|\\.)*'/g, "''");
  const reads: TableRead[] = [];
  const reference = new RegExp(`\\b(?:${DATASETS.join("|")})\\.\\w+|\\{\\{table\\}\\}`, "g");
  for (const match of text.matchAll(reference)) {
    const table = match[0];
    const layout = layoutOf(table);
    if (!layout) continue;
    const start = match.index;
    const before = text.slice(Math.max(0, start - 80), start).replace(/`?[\w-]*\.?$/, "");
    if (/(?:INSERT\s+INTO|TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s*$/i.test(before)) continue;
    const rest = text.slice(start + table.length).replace(/^`/, "");
    const end = rest.search(/\b(?:FROM|JOIN)\b/i);
    const block = end < 0 ? rest : rest.slice(0, end);
    // A filtered count reads the columns it filters on.
    if (/SELECT\s+COUNT\(\*\)\s+AS\s+\w+\s+FROM\s*$/i.test(before) && !/\bWHERE\b/i.test(block)) continue;
    // A table joined to others under an alias is filtered by the query's WHERE after the joins, through the alias.
    const alias = ALIAS.exec(rest)?.[2];
    const aliasBound =
      alias !== undefined && end >= 0 && layout.partitionColumn
        ? boundOn(`\\b${alias}\\.\`?${layout.partitionColumn}\`?`).test(rest.slice(end))
        : false;
    const reach = aliasBound ? "window" : reachOf(layout, block);
    const constantBound =
      reach === "history" &&
      layout.partitionColumn !== undefined &&
      constantBoundOn(layout.partitionColumn, block);
    const filter = aliasBound ? rest.slice(end) : block;
    const conjunctBound =
      layout.partitionColumn !== undefined &&
      new RegExp(
        `(?:\\bWHERE|\\bAND)\\s+(?:\\w+\\.)?\`?${layout.partitionColumn}\`?\\s*(?:>=|>|=|BETWEEN)`,
        "i",
      ).test(filter);
    reads.push({
      table,
      reach,
      ...(layout.partitionColumn ? { partitionColumn: layout.partitionColumn } : {}),
      ...(layout.monthly ? { monthly: true } : {}),
      ...(constantBound ? { constantBound: true } : {}),
      ...(conjunctBound ? { conjunctBound: true } : {}),
    });
  }
  return reads;
}

/** "AS name" or a bare name after a table reference, unless that word is the next clause's. */
const ALIAS =
  /^\s+(AS\s+)?(?!(?:WHERE|JOIN|LEFT|RIGHT|INNER|FULL|CROSS|ON|USING|GROUP|ORDER|UNION|LIMIT|QUALIFY|WINDOW|SET|EXCEPT|INTERSECT)\b)(\w+)/i;

/** A lower bound of `name` (a column pattern) on a parameter: what prunes a partitioned table's past. */
function boundOn(name: string): RegExp {
  return new RegExp(`${name}\\s*(?:>=|>|=|BETWEEN)[^;\\n]*@\\w+|@\\w+[^;\\n]*(?:<=|<)\\s*${name}`, "i");
}

/**
 * Whether `block` bounds `column` below by a TIMESTAMP or DATE literal (string literals are blanked to '' by then):
 * the bare column compared with a constant, which BigQuery takes as a partition filter. The column inside a
 * function (DATE(_airbyte_extracted_at) >= …) is not one.
 */
function constantBoundOn(column: string, block: string): boolean {
  const bound = new RegExp(
    `(?:\\w+\\.)?\`?\\b${column}\`?\\s*(?:>=|>|BETWEEN)\\s*(?:TIMESTAMP|DATE)\\s*(?:\\(\\s*''\\s*\\)|'')`,
    "i",
  );
  return /\bWHERE\b/i.test(block) && bound.test(block);
}

function reachOf(layout: Layout, block: string): Reach {
  const column = layout.partitionColumn;
  if (!column) return layout.grows ? "history" : "fixed";
  const bound = boundOn(`(?:\\w+\\.)?\`?\\b${column}\`?`);
  return /\bWHERE\b/i.test(block) && bound.test(block) ? "window" : "history";
}
