// What every connector shares: its cursor in the bucket, the Airbyte bookkeeping columns on every row, and the
// replacement of what an earlier pull of the same account and days landed (delete, then insert), so a re-pull
// changes nothing and restated numbers replace the old ones.
import { connectorStatePath } from "../../lib/bucket-layout.ts";
import type { ApiIo } from "../../lib/platform-apis/http.ts";
import type { ConnectorSettings } from "../../shared/connector-settings.ts";
import { DATASETS } from "../../shared/pipeline.ts";
import type { Bucket, Logger, Row, Secrets, Warehouse } from "../../shared/ports.ts";
import { RAW_PARTITIONING, rawTable, type SourceName } from "../../shared/raw-schemas.ts";
import { deleteOfCount, readQuery } from "../../lib/sql/queries.ts";
import { rawTableExists } from "../raw-tables.ts";

/** The raw table each connector fills: the one Airbyte's connector for the same platform fills. */
export const RAW_TABLE_OF: Record<SourceName, string> = {
  shopify: "shopify_orders",
  facebook_ads: "facebook_ads_insights",
  tiktok_ads: "tiktok_ads_reports_daily",
  google_ads: "google_ads_campaign_stats",
};

export interface ConnectorContext {
  warehouse: Warehouse;
  bucket: Bucket;
  secrets: Secrets;
  log: Logger;
  io: ApiIo;
  runDate: string;
  runId: string;
  shopTimezone: string;
  settings: ConnectorSettings;
  /** When this pull happened (ISO instant): every row's _airbyte_extracted_at. */
  extractedAt: string;
  /** This pull's own id, in every row's _airbyte_meta.pull_id: the rows it replaces are the others. */
  pullId: string;
  /**
   * When the connectors must stop waiting on a platform (on io's clock), so that ingest finishes and reports within
   * its function's timeout: a wait that would end later fails the connector instead (connectorDeadline in run.ts).
   */
  deadline: Date;
}

/** What a raw row's bookkeeping columns need. */
export type RowContext = Pick<ConnectorContext, "extractedAt" | "runId" | "pullId">;

/** Consecutive days, the first and last included. */
export interface DaySpan {
  startDate: string;
  endDate: string;
}

export interface ConnectorOutcome {
  source: SourceName;
  rowsLanded: number;
  rowsReplaced: number;
  /** What was pulled, for the ledger's summary: "2026-11-14..2026-11-21 for 2 accounts". */
  pulled: string;
  /** An ads connector's days of history that its next runs still have to pull, by account (ad-range.ts). */
  owed?: {
    account: string;
    spans: DaySpan[];
    /** Why this run's pull of them failed, if it did. */ failure?: string;
    /** This run stopped before them to keep ingest within its time (HISTORY_RESERVE_MS). */ leftForTime?: boolean;
  }[];
}

export interface Connector {
  source: SourceName;
  label: string;
  run(context: ConnectorContext): Promise<ConnectorOutcome>;
}

/** The connector's saved cursor, or undefined on its first run. */
export async function readState<State>(bucket: Bucket, source: SourceName): Promise<State | undefined> {
  const body = await bucket.read(connectorStatePath(source));
  return body ? (JSON.parse(body.toString("utf8")) as State) : undefined;
}

export async function writeState(bucket: Bucket, source: SourceName, state: object): Promise<void> {
  await bucket.write(connectorStatePath(source), `${JSON.stringify(state, null, 2)}\n`, {
    contentType: "application/json",
  });
}

/** The bookkeeping columns Airbyte adds, with `_airbyte_meta.source = "api"` to tell these rows apart. */
export function airbyteColumns(context: RowContext, rawId: string, meta: Record<string, string>): Row {
  return {
    _airbyte_raw_id: rawId,
    _airbyte_extracted_at: context.extractedAt,
    _airbyte_meta: JSON.stringify({
      source: "api",
      run_id: context.runId,
      pull_id: context.pullId,
      changes: [],
      ...meta,
    }),
    _airbyte_generation_id: 0,
  };
}

/** A row with every column of the raw table (NULL where the API gave nothing). */
export function fullRow(table: string, values: Row): Row {
  const row: Row = {};
  for (const column of rawTable(table).columns) row[column.name] = values[column.name] ?? null;
  return row;
}

/**
 * Counts, then deletes, the rows that earlier pulls landed and a new pull replaces: the rows the query
 * sql/queries/ingest/connector_rows_<raw table>.sql counts (every api row of the range not landed by `pull_id`),
 * deleted by the same text after its FROM.
 */
export async function deleteOlderApiRows(
  warehouse: Warehouse,
  table: string,
  params: Record<string, string> & { pull_id: string },
  label: string,
): Promise<number> {
  if (!(await rawTableExists(warehouse, table))) return 0;
  const count = readQuery(`ingest/connector_rows_${table}`);
  const [counted] = await warehouse.query<{ row_count: number }>(count, params, {
    label: `${label}: count replaced`,
  });
  const replaced = Number(counted?.row_count ?? 0);
  if (replaced > 0)
    await warehouse.execute(deleteOfCount(count), params, {
      label: `${label}: replace`,
    });
  return replaced;
}

/**
 * Replaces what earlier pulls landed over a range with `rows` as one unit, without a transaction: the new rows
 * are loaded first, then the older api rows of the range deleted. A crash between the two leaves both versions,
 * which staging already reduces to the latest extraction, never a gap; the next run (the cursor did not move)
 * loads the range again and deletes both older versions.
 */
export async function replaceApiRows(
  warehouse: Warehouse,
  table: string,
  range: Record<string, string>,
  rows: readonly Row[],
  pull: { pullId: string; label: string },
): Promise<number> {
  await landRows(warehouse, table, rows);
  return deleteOlderApiRows(warehouse, table, { ...range, pull_id: pull.pullId }, pull.label);
}

/** Loads rows into a raw table in chunks (the table is created with its declared columns when missing). */
export async function landRows(warehouse: Warehouse, table: string, rows: readonly Row[], chunk = 2_000) {
  const { columns } = rawTable(table);
  for (let start = 0; start < rows.length; start += chunk)
    await warehouse.load({
      dataset: DATASETS.raw,
      table,
      columns,
      rows: rows.slice(start, start + chunk),
      timePartition: RAW_PARTITIONING,
    });
}

/**
 * Replaces what earlier pulls landed in a raw table for one account over [startDate, endDate] with `rows`, which
 * must hold every page of the range: the pages are all read before anything is written, so a page that fails
 * leaves the warehouse as it was (and the cursor where it was: the next run pulls these days again).
 */
export async function replaceAccountDays(
  warehouse: Warehouse,
  table: string,
  pulled: { source: Exclude<SourceName, "shopify">; account: string; startDate: string; endDate: string },
  rows: readonly Row[],
  pullId: string,
): Promise<number> {
  const { source, account, startDate, endDate } = pulled;
  return replaceApiRows(
    warehouse,
    table,
    { account_id: account, start_date: startDate, end_date: endDate },
    rows,
    { pullId, label: `${source} ${table} ${account} ${startDate}..${endDate}` },
  );
}
