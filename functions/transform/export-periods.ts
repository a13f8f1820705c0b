// The days an ad platform's exports cover, for unified.source_coverage (the @export_gaps parameter): a platform
// whose data arrives as file drops has landed a day only where an export covers it or a row is dated that day, so
// a day between two exports that none covers is incomplete, not a day of no spend. A platform with no export
// (synced by Airbyte or a connector) has no period, and its coverage is its newest day's alone, except for the days
// of history its connector still owes an account (ops.connector_history_owed), incomplete until a row of that
// account is dated that day.
import { addDays } from "../lib/calendar.ts";
import { readQuery } from "../lib/sql/queries.ts";
import { CONNECTOR_HISTORY_OWED_TABLE, FILE_DROPS_TABLE } from "../shared/pipeline.ts";
import type { Warehouse } from "../shared/ports.ts";
import { SOURCES } from "../shared/sources.ts";

/** The days one source's exports cover, first and last day included. */
export interface ExportPeriod {
  source: string;
  start: string;
  end: string;
}

/** The ad platforms, by the raw table their exports land in (Shopify's exports are not ad exports). */
const AD_SOURCES_BY_TABLE = new Map(
  SOURCES.filter((source) => source.name !== "shopify").map((source) => [source.freshnessTable, source.name]),
);

/**
 * Pure: the periods of each source's exports as the fewest ranges that cover the same days (overlapping and
 * adjacent periods joined), sorted by source and start: a shop dropping an export a day has one range, not one a
 * day, whatever its age.
 */
export function mergeExportPeriods(periods: readonly ExportPeriod[]): ExportPeriod[] {
  const sorted = [...periods].sort(
    (a, b) =>
      a.source.localeCompare(b.source) || a.start.localeCompare(b.start) || a.end.localeCompare(b.end),
  );
  const merged: ExportPeriod[] = [];
  for (const period of sorted) {
    const last = merged.at(-1);
    if (last && last.source === period.source && period.start <= addDays(last.end, 1)) {
      if (period.end > last.end) last.end = period.end;
    } else merged.push({ ...period });
  }
  return merged;
}

/** The ad exports' periods, merged (none before any file was dropped). `opsTables`: the ops tables' names. */
export async function exportPeriods(
  warehouse: Warehouse,
  opsTables: readonly string[],
): Promise<ExportPeriod[]> {
  if (!opsTables.includes(FILE_DROPS_TABLE)) return [];
  const rows = await warehouse.query<{ raw_table: string; period_start: string; period_end: string }>(
    readQuery("transform/export_periods"),
    { ad_tables: JSON.stringify([...AD_SOURCES_BY_TABLE.keys()]) },
    { label: "ad export periods", maxRows: 100_000 },
  );
  return mergeExportPeriods(
    rows.flatMap((row) => {
      const source = AD_SOURCES_BY_TABLE.get(row.raw_table);
      return source
        ? [{ source, start: String(row.period_start).slice(0, 10), end: String(row.period_end).slice(0, 10) }]
        : [];
    }),
  );
}

/**
 * Pure: the gaps between a platform's merged periods (mergeExportPeriods), the days after one export's period and
 * before the next's, which no export covers: the days between the platform's first and last exported day that
 * unified.source_coverage may count as not landed.
 */
export function exportGaps(merged: readonly ExportPeriod[]): ExportPeriod[] {
  return merged.flatMap((period, index) => {
    const next = merged[index + 1];
    return next && next.source === period.source
      ? [{ source: period.source, start: addDays(period.end, 1), end: addDays(next.start, -1) }]
      : [];
  });
}

/** The gaps as the models' @export_gaps: a JSON array of {source, start, end}, first and last day included. */
export function exportGapsParam(periods: readonly ExportPeriod[]): string {
  return coverageGapsParam(periods, []);
}

/** Days of one account's history its connector still owes (ops.connector_history_owed), first and last included. */
export interface OwedSpan extends ExportPeriod {
  account: string;
}

/**
 * Pure: the models' @export_gaps, the days unified.source_coverage counts as not landed: the gaps between a
 * platform's exports (exportGaps, {source, start, end}), which a row of the platform dated that day lands, and the
 * days each account's connector still owes ({source, account, start, end}), which only a row of that account lands:
 * another account's spend that day is not the owing account's. Each kind in ranges that do not overlap (a
 * platform's gaps; an account's owed days), as the model joins a day to one range of each at most.
 */
export function coverageGapsParam(exports: readonly ExportPeriod[], owed: readonly OwedSpan[]): string {
  const byAccount = new Map<string, OwedSpan[]>();
  for (const span of owed) {
    const key = JSON.stringify([span.source, span.account]);
    byAccount.set(key, [...(byAccount.get(key) ?? []), span]);
  }
  const owedRanges = [...byAccount.values()].flatMap((spans) => {
    const { account } = spans[0] as OwedSpan;
    return mergeExportPeriods(spans).map(({ source, start, end }) => ({ source, account, start, end }));
  });
  owedRanges.sort(
    (a, b) =>
      a.source.localeCompare(b.source) ||
      a.account.localeCompare(b.account) ||
      a.start.localeCompare(b.start),
  );
  return JSON.stringify([
    ...exportGaps(exports).map(({ source, start, end }) => ({ source, start, end })),
    ...owedRanges,
  ]);
}

/** The days the ads connectors still owe (none before a connector owed any), by source and account. */
export async function connectorOwedDays(
  warehouse: Warehouse,
  opsTables: readonly string[],
): Promise<OwedSpan[]> {
  if (!opsTables.includes(CONNECTOR_HISTORY_OWED_TABLE)) return [];
  const rows = await warehouse.query<{
    source: string;
    account_id: string;
    owed_start: string;
    owed_end: string;
  }>(
    readQuery("transform/connector_history_owed"),
    {},
    { label: "connector history owed", maxRows: 100_000 },
  );
  return rows.map((row) => ({
    source: row.source,
    account: String(row.account_id),
    start: String(row.owed_start).slice(0, 10),
    end: String(row.owed_end).slice(0, 10),
  }));
}

/** The models' @export_gaps as the warehouse's ops tables give them (coverageGapsParam). */
export async function coverageGaps(warehouse: Warehouse, opsTables: readonly string[]): Promise<string> {
  const [exports, owed] = await Promise.all([
    exportPeriods(warehouse, opsTables),
    connectorOwedDays(warehouse, opsTables),
  ]);
  return coverageGapsParam(exports, owed);
}
