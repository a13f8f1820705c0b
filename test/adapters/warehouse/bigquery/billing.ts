// What BigQuery would bill a statement for the tables it reads, by the rules that decide it: a table read with a
// filter on its partition column (against a parameter) costs the partitions the filter selects; read without
// one, every partition of its history. Used by the recording fake to answer dry runs and job statistics, so that
// a test can show which of a daily run's reads grow with history. A model of the partition layout, not of column
// widths: every day of a table costs the same (PARTITION_BYTES).
import { MODELS } from "../../../../functions/lib/sql/models.ts";

export const PARTITION_BYTES = 1_000_000;

/** A reference's cost, in days of its table: the window's days, the history's, or one (a small, fixed table). */
export type Reach = "window" | "history" | "fixed";

export interface TableRead {
  table: string;
  reach: Reach;
}

interface Layout {
  /** The column BigQuery partitions the table on; undefined for an unpartitioned table. */
  partitionColumn?: string;
  month?: boolean;
  /** An unpartitioned table that grows with history. */
  grows?: boolean;
}

const DATASETS = ["raw", "staging", "unified", "marts", "ops"] as const;

/**
 * The unpartitioned models that grow with the shop's age: one row per customer, and every day brings new ones.
 * The others are small and bounded: the catalog (one row per product), the channel list, the cohort grid.
 */
const GROWING_DIMENSIONS = new Set(["staging.stg_shopify_customers"]);

/** How each table is laid out: raw by load time (Airbyte's destination), models by their SQL header. */
function layoutOf(dataset: string, table: string): Layout | undefined {
  if (dataset === "raw") return { partitionColumn: "_airbyte_extracted_at" };
  // The pipeline's own bookkeeping (watermarks, run records): a row a day, far below BigQuery's 10 MB minimum.
  if (dataset === "ops") return {};
  const model = MODELS.find((candidate) => candidate.layer === dataset && candidate.name === table);
  if (!model) return undefined;
  if (model.partitionColumn)
    return { partitionColumn: model.partitionColumn, month: model.partitionGrain === "month" };
  return { grows: GROWING_DIMENSIONS.has(`${dataset}.${table}`) };
}

/** The statement's text without comments (which name tables too). */
function withoutComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "");
}

/**
 * The table references of `sql` that read, with how far each reaches. A reference's filter is its query block: the
 * text after it up to the next FROM or JOIN. Write targets (INSERT INTO, CREATE … TABLE, ALTER TABLE) and a
 * COUNT(*) of a whole table (answered from metadata, free) are not reads.
 */
export function tableReads(sql: string): TableRead[] {
  const text = withoutComments(sql);
  const reads: TableRead[] = [];
  const reference = new RegExp(`\\b(${DATASETS.join("|")})\\.(\\w+)\`?`, "g");
  for (const match of text.matchAll(reference)) {
    const [whole, dataset = "", table = ""] = match;
    const layout = layoutOf(dataset, table);
    if (!layout) continue;
    const start = match.index ?? 0;
    const before = text.slice(Math.max(0, start - 80), start).replace(/`?[\w-]*\.?$/, "");
    if (/(?:INSERT\s+INTO|TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s*$/i.test(before)) continue;
    if (/SELECT\s+COUNT\(\*\)\s+AS\s+\w+\s+FROM\s*$/i.test(before)) continue;
    const rest = text.slice(start + whole.length);
    const end = rest.search(/\b(?:FROM|JOIN)\b/i);
    const block = end < 0 ? rest : rest.slice(0, end);
    reads.push({ table: `${dataset}.${table}`, reach: reachOf(layout, block) });
  }
  return reads;
}

function reachOf(layout: Layout, block: string): Reach {
  const column = layout.partitionColumn;
  if (!column) return layout.grows ? "history" : "fixed";
  const name = `(?:\\w+\\.)?\`?${column}\`?`;
  const bound = new RegExp(
    `${name}\\s*(?:>=|>|=|BETWEEN)[^;\\n]*@\\w+|@\\w+[^;\\n]*(?:<=|<)\\s*${name}`,
    "i",
  );
  return /\bWHERE\b/i.test(block) && bound.test(block) ? "window" : "history";
}

/** Days of data a read costs: a monthly partition is a month whatever the window (two, for a window across a month end). */
export function daysRead(read: TableRead, historyDays: number, windowDays: number): number {
  if (read.reach === "fixed") return 1;
  if (read.reach === "history") return historyDays;
  const layout = layoutOf(read.table.split(".")[0] ?? "", read.table.split(".")[1] ?? "");
  return layout?.month ? 60 : windowDays;
}

/** What BigQuery bills `sql` with `historyDays` of data in every table and a run reading `windowDays`. */
export function scanBytes(sql: string, historyDays: number, windowDays: number): number {
  return tableReads(sql).reduce(
    (bytes, read) => bytes + PARTITION_BYTES * daysRead(read, historyDays, windowDays),
    0,
  );
}
