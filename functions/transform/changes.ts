// Late changes: what landed since the last transform. Airbyte lands an order again when it changes (a refund or
// a cancellation months later), ad platforms restate old days, and a file drop can backfill a year at once;
// every such row carries its extraction time. A warm run reads the event days of the rows extracted after the
// last successful transform's watermark (kept in ops.transform_watermarks) and rebuilds those days' partitions
// too, so late changes reach the marts without a full refresh.
import { z } from "zod";
import { addDays } from "../lib/calendar.ts";
import { queryTemplate, readQuery } from "../lib/sql/queries.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { DateWindow, LoadColumn, SqlParams, TableInfo, Warehouse } from "../shared/ports.ts";
import { type Watermark, WATERMARKS_TABLE } from "../lib/warehouse-state.ts";

export { lastWatermark, type Watermark, WATERMARKS_TABLE, warehouseState } from "../lib/warehouse-state.ts";

/** One row per run date whose transform succeeded: the newest extraction time it had read. */
export const WATERMARK_COLUMNS: readonly LoadColumn[] = [
  { name: "run_date", type: "DATE" },
  { name: "watermark", type: "STRING" },
];

/** Before any raw row: what a first build reads from. */
export const EPOCH_WATERMARK = "1970-01-01 00:00:00+00";

/** The raw tables whose rows carry an event day: a late row there changes that day's partitions. */
export const EVENT_TABLES = [
  "shopify_orders",
  "facebook_ads_insights",
  "tiktok_ads_reports_daily",
  "google_ads_campaign_stats",
  "google_ads_asset_group_stats",
  "google_ads_campaign_totals",
  // Not events, but a rate landed late (a rates file dropped for past days) changes the spend of its days.
  "fx_rates",
] as const;
export type EventTable = (typeof EVENT_TABLES)[number];

/**
 * Each event table's newest extraction time read so far. A table syncs on its own schedule: one time for all
 * would pass over the rows a long Shopify sync extracted before Meta's newest row but landed after the
 * transform read it.
 */
export type ExtractionMarks = Record<EventTable, string>;

/**
 * Pure: the marks a watermark's text holds: a JSON object of table → time, or (as saved before the marks were
 * per table) one time for every table.
 */
export function extractionMarks(watermark: string): ExtractionMarks {
  const perTable: Record<string, unknown> = watermark.startsWith("{")
    ? (JSON.parse(watermark) as Record<string, unknown>)
    : {};
  const fallback = watermark.startsWith("{") ? EPOCH_WATERMARK : watermark;
  return Object.fromEntries(
    EVENT_TABLES.map((table) => {
      const mark = perTable[table];
      return [table, typeof mark === "string" ? mark : fallback];
    }),
  ) as ExtractionMarks;
}

/**
 * What an event table held of the rows extracted in the hours before its mark (the mark included), as a transform
 * read it: how many, and the XOR of a digest of each raw id (sql/queries/transform/landed_rows.sql).
 */
export interface LandedRows {
  rows: number;
  digest: string;
}

/**
 * The rows of the `hours` before each table's mark, kept with the marks: Airbyte may commit a sync's batches out
 * of order, and a row extracted before a mark but landed after the transform read past it changes them.
 */
export interface LandedSpan {
  hours: number;
  tables: Record<EventTable, LandedRows>;
}

/** Pure: the watermark text of `marks` (and the span of rows landed before them), tables in EVENT_TABLES' order. */
export function watermarkText(marks: ExtractionMarks, landed?: LandedSpan): string {
  const times = Object.fromEntries(EVENT_TABLES.map((table) => [table, marks[table]]));
  if (!landed) return JSON.stringify(times);
  const tables = Object.fromEntries(EVENT_TABLES.map((table) => [table, landed.tables[table]]));
  return JSON.stringify({ ...times, landed: { hours: landed.hours, tables } });
}

const LandedSpanSchema = z.object({
  hours: z.number().int().min(1),
  // Every event table's: a record by an enum's keys requires them all.
  tables: z.record(z.enum(EVENT_TABLES), z.object({ rows: z.number().int().min(0), digest: z.string() })),
});

/** Pure: the span a watermark's text keeps, or null (saved by an earlier version, or with the check off). */
export function landedSpan(watermark: string): LandedSpan | null {
  if (!watermark.startsWith("{")) return null;
  const parsed = LandedSpanSchema.safeParse((JSON.parse(watermark) as { landed?: unknown }).landed);
  return parsed.success ? parsed.data : null;
}

/** Pure: the tables whose rows in the span differ now from what the transform that kept `before` read. */
export function relandedTables(before: LandedSpan, now: Record<EventTable, LandedRows>): EventTable[] {
  return EVENT_TABLES.filter(
    (table) =>
      before.tables[table].rows !== now[table].rows || before.tables[table].digest !== now[table].digest,
  );
}

/** Each table's rows extracted in the `hours` before its mark in `marks`, the mark included. */
export async function landedRows(
  warehouse: Warehouse,
  marks: ExtractionMarks,
  hours: number,
): Promise<Record<EventTable, LandedRows>> {
  const rows = await warehouse.query<{
    raw_table: string;
    landed_rows: number | string;
    raw_id_digest: string | null;
  }>(
    readQuery("transform/landed_rows"),
    {
      ...Object.fromEntries(EVENT_TABLES.map((table) => [`through_${table}`, marks[table]])),
      landing_hours: hours,
    },
    { label: "rows landed before the marks" },
  );
  const byTable = new Map(rows.map((row) => [row.raw_table, row]));
  return Object.fromEntries(
    EVENT_TABLES.map((table) => {
      const row = byTable.get(table);
      return [table, { rows: Number(row?.landed_rows ?? 0), digest: row?.raw_id_digest ?? "0" }];
    }),
  ) as Record<EventTable, LandedRows>;
}

function sinceParams(marks: ExtractionMarks): SqlParams {
  return Object.fromEntries(EVENT_TABLES.map((table) => [`since_${table}`, marks[table]]));
}

/** Each table's newest extraction time after its mark, or the mark itself when nothing newer landed there. */
export async function newestExtraction(
  warehouse: Warehouse,
  since: ExtractionMarks,
): Promise<ExtractionMarks> {
  const rows = await warehouse.query<{ raw_table: string; extracted_at: string | null }>(
    readQuery("transform/newest_extraction"),
    sinceParams(since),
    { label: "newest raw extraction" },
  );
  const newest = new Map(rows.map((row) => [row.raw_table, row.extracted_at]));
  return Object.fromEntries(
    EVENT_TABLES.map((table) => [table, newest.get(table) ?? since[table]]),
  ) as ExtractionMarks;
}

/**
 * The event days of the rows extracted after each table's mark in `since`, up to `runDate`; for the tables in
 * `rereadHours`, of the rows extracted in that many hours before the mark too (rows that landed after a transform
 * had read past them).
 */
export async function changedDays(
  warehouse: Warehouse,
  since: ExtractionMarks,
  runDate: string,
  timezone: string,
  rereadHours?: Partial<Record<EventTable, number>>,
): Promise<string[]> {
  const rows = await warehouse.query<{ day: string }>(
    readQuery("transform/changed_days"),
    {
      ...sinceParams(since),
      ...Object.fromEntries(
        EVENT_TABLES.map((table) => [`reread_hours_${table}`, rereadHours?.[table] ?? 0]),
      ),
      run_date: runDate,
      shop_timezone: timezone,
    },
    { label: "days changed since the watermark", maxRows: 100_000 },
  );
  return rows.map((row) => String(row.day).slice(0, 10));
}

/**
 * The order days outside the rebuilt ones whose first-order numbering the late changes of `late` made stale
 * (sql/queries/transform/renumbered_days.sql): a customer's later orders, renumbered by a change to an earlier one.
 */
export async function renumberedDays(
  warehouse: Warehouse,
  late: DateWindow,
  timezone: string,
): Promise<string[]> {
  const rows = await warehouse.query<{ day: string }>(
    readQuery("transform/renumbered_days"),
    { late_start_date: late.start, late_end_date: late.end, shop_timezone: timezone },
    { label: "days whose first-order numbering changed", maxRows: 100_000 },
  );
  return rows.map((row) => String(row.day).slice(0, 10));
}

/**
 * The products a run's catalogue merge changes (sql/queries/transform/recatalogued_products.sql), their SKUs, and
 * the line names whose gift card verdict it turns (an orders export's line without a known SKU is a gift card by
 * its name).
 */
export interface Recatalogued {
  productIds: string[];
  skus: string[];
  lineNames: string[];
}

export const NO_CATALOGUE_CHANGE: Recatalogued = { productIds: [], skus: [], lineNames: [] };

/** Pure: whether `changes` reach any older day at all. */
export function changesCatalogue(changes: Recatalogued): boolean {
  return changes.productIds.length > 0 || changes.skus.length > 0 || changes.lineNames.length > 0;
}

interface CatalogueChangeRow {
  product_id: number | string | null;
  sku: string | null;
  line_name?: string | null;
}

/** Pure: rows of a product id, a SKU and a line name (any may be NULL) as sorted, distinct ids, SKUs and names. */
function recataloguedFrom(rows: CatalogueChangeRow[]): Recatalogued {
  return {
    productIds: [
      ...new Set(rows.flatMap((row) => (row.product_id === null ? [] : [String(row.product_id)]))),
    ].sort(),
    skus: [...new Set(rows.flatMap((row) => (row.sku ? [row.sku] : [])))].sort(),
    lineNames: [...new Set(rows.flatMap((row) => (row.line_name ? [row.line_name] : [])))].sort(),
  };
}

/** Pure: both sets of changes in one. */
export function bothCatalogueChanges(first: Recatalogued, second: Recatalogued): Recatalogued {
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
  return {
    productIds: union(first.productIds, second.productIds),
    skus: union(first.skus, second.skus),
    lineNames: union(first.lineNames, second.lineNames),
  };
}

/**
 * The catalogue changes whose older days are still to rebuild, one row per product id or SKU: written before the
 * merge that makes a change undetectable (the landed products then equal the staged ones), emptied once the days
 * are rebuilt. A run that crashes in between leaves them for its retry.
 */
export const CATALOGUE_CHANGES_TABLE = "catalogue_changes";
export const CATALOGUE_CHANGE_COLUMNS: readonly LoadColumn[] = [
  { name: "state", type: "STRING" },
  { name: "product_id", type: "STRING" },
  { name: "sku", type: "STRING" },
  { name: "line_name", type: "STRING" },
];

/** The pending changes, from the ops tables as listed (a table kept before line names were gets their column). */
export async function pendingCatalogueChanges(
  warehouse: Warehouse,
  opsTables: readonly TableInfo[],
): Promise<Recatalogued> {
  const kept = opsTables.find((table) => table.name === CATALOGUE_CHANGES_TABLE);
  if (!kept) return NO_CATALOGUE_CHANGE;
  const missing = CATALOGUE_CHANGE_COLUMNS.filter(
    (column) => !kept.columns.some((existing) => existing.name === column.name),
  );
  if (missing.length) await warehouse.addColumns(DATASETS.ops, CATALOGUE_CHANGES_TABLE, missing);
  const rows = await warehouse.query<CatalogueChangeRow>(
    readQuery("transform/pending_catalogue_changes"),
    {},
    { label: "catalogue changes still to rebuild", maxRows: 1_000_000 },
  );
  return recataloguedFrom(rows);
}

/** Replaces the pending catalogue changes with `changes` (none: empties them). */
export async function keepCatalogueChanges(warehouse: Warehouse, changes: Recatalogued): Promise<void> {
  await warehouse.load({
    dataset: DATASETS.ops,
    table: CATALOGUE_CHANGES_TABLE,
    columns: CATALOGUE_CHANGE_COLUMNS,
    replaceWhere: { column: "state", value: "pending" },
    rows: [
      ...changes.productIds.map((id) => ({ state: "pending", product_id: id, sku: null, line_name: null })),
      ...changes.skus.map((sku) => ({ state: "pending", product_id: null, sku, line_name: null })),
      ...changes.lineNames.map((name) => ({
        state: "pending",
        product_id: null,
        sku: null,
        line_name: name,
      })),
    ],
  });
}

/**
 * Asked before the merge: the products that `productsModel` (stg_shopify_products' SQL) returns with `params`
 * and that are new to the staged catalogue or change its title, category or SKUs there; and the line names that
 * only gift cards give in the catalogue before the merge or after it, not both.
 */
export async function recataloguedProducts(
  warehouse: Warehouse,
  productsModel: string,
  params: SqlParams,
): Promise<Recatalogued> {
  const rows = await warehouse.query<CatalogueChangeRow>(
    queryTemplate("transform/recatalogued_products", { model: productsModel }),
    params,
    { label: "products the catalogue merge changes", maxRows: 1_000_000 },
  );
  return recataloguedFrom(rows);
}

/**
 * The order days before `windowStart` a catalogue change reaches (sql/queries/transform/recatalogued_days.sql):
 * each with whether lines of an orders export take a new product, or another gift card verdict, there
 * (lines_remapped).
 */
export async function recataloguedDays(
  warehouse: Warehouse,
  recatalogued: Recatalogued,
  windowStart: string,
): Promise<{ day: string; linesRemapped: boolean }[]> {
  const rows = await warehouse.query<{ day: string; lines_remapped: boolean | null }>(
    readQuery("transform/recatalogued_days"),
    {
      product_ids: JSON.stringify(recatalogued.productIds),
      skus: JSON.stringify(recatalogued.skus),
      line_names: JSON.stringify(recatalogued.lineNames),
      window_start: windowStart,
    },
    { label: "days the catalogue change reaches", maxRows: 100_000 },
  );
  return rows.map((row) => ({
    day: String(row.day).slice(0, 10),
    linesRemapped: row.lines_remapped === true,
  }));
}

/**
 * The days before the window whose source coverage is out of date, still to rebuild: written before the rebuild,
 * which makes them undetectable once the coverage is rebuilt, emptied once the marts that copy it are rebuilt too.
 * A run that crashes in between leaves them for its retry.
 */
export const COVERAGE_CHANGES_TABLE = "coverage_changes";
export const COVERAGE_CHANGE_COLUMNS: readonly LoadColumn[] = [
  { name: "state", type: "STRING" },
  { name: "day", type: "DATE" },
];

/**
 * The days before `windowStart` whose coverage a full rebuild would give otherwise (stale_coverage_days.sql), with
 * the expected sources and the exports' periods the models were built with (JSON arrays).
 */
export async function staleCoverageDays(
  warehouse: Warehouse,
  windowStart: string,
  expectedSources: string,
  exportGaps: string,
): Promise<string[]> {
  // The first day a connector owes an account (the window's start when none is): the older account days read.
  const owedStarts = (JSON.parse(exportGaps) as { account?: string; start: string }[])
    .filter((gap) => gap.account !== undefined)
    .map((gap) => gap.start);
  const owedFrom = owedStarts.reduce((first, start) => (start < first ? start : first), windowStart);
  const rows = await warehouse.query<{ day: string }>(
    readQuery("transform/stale_coverage_days"),
    {
      window_start: windowStart,
      expected_sources: expectedSources,
      export_gaps: exportGaps,
      owed_from_date: owedFrom,
    },
    { label: "days whose source coverage is out of date", maxRows: 100_000 },
  );
  return rows.map((row) => String(row.day).slice(0, 10));
}

export async function pendingCoverageDays(
  warehouse: Warehouse,
  opsTables: readonly string[],
): Promise<string[]> {
  if (!opsTables.includes(COVERAGE_CHANGES_TABLE)) return [];
  const rows = await warehouse.query<{ day: string }>(
    readQuery("transform/pending_coverage_days"),
    {},
    { label: "coverage days still to rebuild", maxRows: 100_000 },
  );
  return rows.map((row) => String(row.day).slice(0, 10));
}

/** Replaces the pending coverage days with `days` (none: empties them). */
export async function keepCoverageChanges(warehouse: Warehouse, days: readonly string[]): Promise<void> {
  await warehouse.load({
    dataset: DATASETS.ops,
    table: COVERAGE_CHANGES_TABLE,
    columns: COVERAGE_CHANGE_COLUMNS,
    replaceWhere: { column: "state", value: "pending" },
    rows: days.map((day) => ({ state: "pending", day })),
  });
}

export async function saveWatermark(warehouse: Warehouse, watermark: Watermark): Promise<void> {
  await warehouse.load({
    dataset: DATASETS.ops,
    table: WATERMARKS_TABLE,
    columns: WATERMARK_COLUMNS,
    replaceWhere: { column: "run_date", value: watermark.runDate },
    rows: [{ run_date: watermark.runDate, watermark: watermark.watermark }],
  });
}

/**
 * Pure: sorted days as date ranges, days at most `maxGap` apart joined into one range (one set of jobs rather
 * than many); beyond `maxRanges` ranges, one range from the first day to the last.
 */
export function dayRanges(days: readonly string[], maxGap = 7, maxRanges = 6): DateWindow[] {
  const sorted = [...new Set(days)].sort();
  const ranges: DateWindow[] = [];
  for (const day of sorted) {
    const last = ranges.at(-1);
    if (last && addDays(last.end, maxGap) >= day) last.end = day;
    else ranges.push({ start: day, end: day });
  }
  if (ranges.length > maxRanges) {
    return [{ start: ranges[0]?.start ?? "", end: ranges.at(-1)?.end ?? "" }];
  }
  return ranges;
}
