// Incremental extracts. A dated extract (one declaring month_chunks_by) keeps its CSV rows per month in the
// bucket's state/ as chunks (no header), with a manifest naming them; every run re-queries only the months whose
// rows may have changed since (those transform rebuilt, those the run date moved into, those whose chunk is
// missing) and writes the dated file as the header and the chunks composed in month order. Each extract's query
// filters the mart's partition column to the months asked for, so on BigQuery a run scans those months only.
//
// Why the chunks can be trusted: they are valid for the warehouse state named in the manifest (the state the
// transform they followed left, `<run date>@<watermark>`). A run message whose transform started from that very
// state says which days it rebuilt; any other message (none at all, a full build, a transform that followed
// another one whose export never ran) rewrites every month.
import { createHash, randomUUID } from "node:crypto";
import {
  extractChunkPath,
  extractChunksFolder,
  extractChunksHeaderPath,
  extractChunksManifestPath,
  extractChunksRoot,
} from "../lib/bucket-layout.ts";
import { addDays } from "../lib/calendar.ts";
import { HISTORY_START } from "../lib/run-window.ts";
import type { ExtractSchema } from "../shared/extract-schemas.ts";
import type { Bucket, DateWindow, Row, StreamBatch, Warehouse } from "../shared/ports.ts";
import type { Rebuilt } from "../shared/run-message.ts";
import { type CorruptState, readStateFile } from "../shared/state-file.ts";
import { csvHeader, csvLines } from "./csv.ts";

/** Bumped when the CSV text of a row changes (csv.ts): every chunk written before is then stale. */
const CSV_FORMAT_VERSION = 1;

const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

export interface ChunkRecord {
  /** YYYY-MM */
  month: string;
  rows: number;
  bytes: number;
  /** The chunk's object path. */
  path: string;
}

export interface ChunkManifest {
  /** The run date the chunks were cut at (the month of the run date holds its rows up to that day). */
  runDate: string;
  /** The warehouse state the chunks were read from (Rebuilt.toState), or null when unknown. */
  state: string | null;
  /** In month order. */
  months: ChunkRecord[];
}

export type RequeryPlan = { all: true; reason: string } | { all: false; months: string[]; reason: string };

/** What makes a chunk stale when it changes: the extract's SQL, its declared columns, the CSV format, the demo mark. */
export function extractFingerprint(sql: string, schema: ExtractSchema, isDemo: boolean): string {
  const basis = JSON.stringify({
    format: CSV_FORMAT_VERSION,
    sql,
    columns: schema.columns.map((column) => [column.name, column.type]),
    isDemo,
  });
  return createHash("sha256").update(basis).digest("hex").slice(0, 16);
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

function nextMonth(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, "0")}`;
}

/** Pure: every month from `first` to `last` (YYYY-MM), both included. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let month = first; month <= last; month = nextMonth(month)) months.push(month);
  return months;
}

/** Pure: the months the day ranges touch, sorted, each once. */
export function monthsOfRanges(ranges: readonly DateWindow[]): string[] {
  const months = new Set<string>();
  for (const range of ranges) {
    for (const month of monthsBetween(monthOf(range.start), monthOf(range.end))) months.add(month);
  }
  return [...months].sort();
}

/**
 * Pure: which months this run must query again. All of them without chunks, with chunks cut at a later run date
 * (a backfill of an older date), or when the message does not prove the chunks are of the state its transform
 * started from; otherwise the months transform rebuilt, those from the chunks' run date to this one (their rows
 * up to the new run date), and those whose chunk is missing. Never a month after the run date's.
 */
export function planRequery(input: {
  manifest: ChunkManifest | null;
  /** Chunk paths that exist in the bucket. */
  present: ReadonlySet<string>;
  runDate: string;
  rebuilt: Rebuilt | undefined;
}): RequeryPlan {
  const { manifest, present, runDate, rebuilt } = input;
  if (!manifest) return { all: true, reason: "no chunks yet" };
  if (manifest.runDate > runDate) {
    return { all: true, reason: `the chunks are cut at a later run date (${manifest.runDate})` };
  }
  if (!rebuilt) return { all: true, reason: "the run message does not say what transform rebuilt" };
  if (rebuilt.days === null) return { all: true, reason: "transform rebuilt every day (a full build)" };
  let changed: string[];
  if (rebuilt.fromState !== null && rebuilt.fromState === manifest.state) {
    // Checked first: a transform that left the state as it found it (a forced re-run with nothing new landed)
    // may still have rebuilt its days differently (changed settings), so its days are queried again.
    changed = monthsOfRanges(rebuilt.days);
  } else if (manifest.state !== null && manifest.state === rebuilt.toState) {
    // The chunks already hold this transform's work (a retried export of the same run).
    changed = [];
  } else {
    return {
      all: true,
      reason: `the chunks are of warehouse state ${manifest.state ?? "unknown"}, transform started from ${rebuilt.fromState ?? "unknown"}`,
    };
  }
  const last = monthOf(runDate);
  const moved = manifest.runDate < runDate ? monthsBetween(monthOf(manifest.runDate), last) : [];
  const missing = manifest.months.filter((chunk) => !present.has(chunk.path)).map((chunk) => chunk.month);
  const months = [...new Set([...changed, ...moved, ...missing])].filter((month) => month <= last).sort();
  const reasons = [
    `${changed.length} rebuilt`,
    ...(moved.length ? [`${moved.length} up to the new run date`] : []),
    ...(missing.length ? [`${missing.length} missing`] : []),
  ];
  return { all: false, months, reason: reasons.join(", ") };
}

/** Pure: sorted months as date ranges of consecutive months (one query each), the last cut at the run date. */
export function queryRanges(months: readonly string[], runDate: string): DateWindow[] {
  const ranges: DateWindow[] = [];
  let first: string | undefined;
  let previous: string | undefined;
  const close = () => {
    if (!first || !previous) return;
    const end = addDays(`${nextMonth(previous)}-01`, -1);
    ranges.push({ start: `${first}-01`, end: end < runDate ? end : runDate });
  };
  for (const month of [...months].sort()) {
    if (previous && nextMonth(previous) === month) {
      previous = month;
      continue;
    }
    close();
    first = month;
    previous = month;
  }
  close();
  return ranges;
}

/** A row's month by its date column, whichever way the warehouse hands a DATE over (text, Date, { value }). */
function rowMonth(value: unknown): string {
  if (typeof value === "string") return monthOf(value);
  if (value instanceof Date) return monthOf(value.toISOString());
  const inner = (value as { value?: unknown } | null)?.value;
  if (typeof inner === "string") return monthOf(inner);
  throw new Error(`a month chunk's date column holds ${JSON.stringify(value)}, not a date`);
}

/** Reads a stream of batches row run by row run, to cut it where the month changes. */
class RowCursor {
  private rows: readonly Row[] = [];
  private index = 0;
  private done = false;
  columns: string[] | undefined;

  constructor(private readonly batches: AsyncIterator<StreamBatch>) {}

  /** The next row, reading batches as needed; undefined at the end. */
  async peek(): Promise<Row | undefined> {
    while (this.index >= this.rows.length && !this.done) {
      const next = await this.batches.next();
      if (next.done) {
        this.done = true;
        break;
      }
      this.columns ??= next.value.columns.map((column) => column.name);
      this.rows = next.value.rows;
      this.index = 0;
    }
    return this.rows[this.index];
  }

  /** The rows from here, within the current batch, for which `keep` holds. */
  takeWhile(keep: (row: Row) => boolean): Row[] {
    const start = this.index;
    while (this.index < this.rows.length && keep(this.rows[this.index] as Row)) this.index += 1;
    return this.rows.slice(start, this.index);
  }
}

/**
 * Streams one query's rows into one chunk per month (rows must come in month order), holding one batch at a
 * time. Months of the range without a row get no chunk.
 */
async function writeMonthChunks(
  bucket: Bucket,
  batches: AsyncIterable<StreamBatch>,
  schema: ExtractSchema & { month_chunks_by: string },
  chunkPath: (month: string) => string,
): Promise<ChunkRecord[]> {
  const iterator = batches[Symbol.asyncIterator]();
  try {
    return await writeChunksFrom(new RowCursor(iterator), bucket, schema, chunkPath);
  } finally {
    // Stopped early (a row out of month order, a failed write): the stream gives its connection back.
    await iterator.return?.();
  }
}

async function writeChunksFrom(
  cursor: RowCursor,
  bucket: Bucket,
  schema: ExtractSchema & { month_chunks_by: string },
  chunkPath: (month: string) => string,
): Promise<ChunkRecord[]> {
  const declared = schema.columns.map((column) => column.name);
  const dateColumn = schema.month_chunks_by;
  const written: ChunkRecord[] = [];
  for (let row = await cursor.peek(); row !== undefined; row = await cursor.peek()) {
    const columns = cursor.columns ?? [];
    const month = rowMonth(row[dateColumn]);
    if (written.some((chunk) => chunk.month >= month)) {
      throw new Error(
        `extract ${schema.name}: rows of ${month} come after later months (ORDER BY must start with ${dateColumn})`,
      );
    }
    const counter = { rows: 0 };
    async function* lines(): AsyncGenerator<string> {
      for (let next = await cursor.peek(); next !== undefined; next = await cursor.peek()) {
        if (rowMonth(next[dateColumn]) !== month) return;
        const run = cursor.takeWhile((candidate) => rowMonth(candidate[dateColumn]) === month);
        counter.rows += run.length;
        yield csvLines(run, columns);
      }
    }
    const path = chunkPath(month);
    const { bytes } = await bucket.writeStream(path, lines(), { contentType: CSV_CONTENT_TYPE });
    written.push({ month, rows: counter.rows, bytes, path });
  }
  // The warehouse yields a first batch with the columns even without rows: they must be the declared ones.
  if (cursor.columns && cursor.columns.join(",") !== declared.join(",")) {
    throw new Error(
      `extract ${schema.name} returned columns ${cursor.columns.join(", ")}, not the declared ones`,
    );
  }
  return written;
}

/** The manifest's shape, for readStateFile: one that does not parse is set aside and every month queried again. */
function manifestProblem(value: unknown): string | undefined {
  const manifest = value as Partial<ChunkManifest> | null;
  if (typeof manifest !== "object" || manifest === null) return "not a JSON object";
  if (typeof manifest.runDate !== "string") return "no runDate";
  if (!Array.isArray(manifest.months)) return "no months";
  const broken = manifest.months.find(
    (chunk) =>
      typeof chunk?.month !== "string" || typeof chunk.path !== "string" || typeof chunk.rows !== "number",
  );
  return broken ? `a month without month, path or rows: ${JSON.stringify(broken)}` : undefined;
}

export interface ChunkedExport {
  rows: number;
  bytes: number;
  /** How many months were queried again, and by how many queries. */
  monthsQueried: number;
  queries: number;
  plan: RequeryPlan;
  /** The manifest did not parse: set aside (kept for a look) and every month queried again. */
  corrupt?: CorruptState;
}

/**
 * Writes one month-chunked extract to `destination`: re-queries the months the plan names, writes their chunks
 * (new objects), then the manifest naming the chunks in force, then composes header + chunks into the
 * destination, and at last deletes the chunks no manifest names (replaced ones, those of a crashed run, those of
 * an older fingerprint). A crash at any point leaves the previous manifest and every chunk it names intact.
 */
export async function exportMonthChunks(input: {
  warehouse: Warehouse;
  bucket: Bucket;
  schema: ExtractSchema & { month_chunks_by: string };
  sql: string;
  runDate: string;
  isDemo: boolean;
  rebuilt: Rebuilt | undefined;
  /**
   * Without a transform record: the warehouse's state read before querying (currentWarehouseState), which a full
   * rewrite's chunks then hold, so the next transform, starting from it, finds them valid.
   */
  stateBefore?: string | null;
  destination: string;
}): Promise<ChunkedExport> {
  const { warehouse, bucket, schema, sql, runDate, isDemo, destination } = input;
  const name = schema.name;
  const fingerprint = extractFingerprint(sql, schema, isDemo);
  const folder = extractChunksFolder(name, fingerprint);
  const manifestPath = extractChunksManifestPath(name, fingerprint);
  const headerPath = extractChunksHeaderPath(name, fingerprint);
  const { value: manifest = null, corrupt } = await readStateFile<ChunkManifest>(
    bucket,
    manifestPath,
    manifestProblem,
  );
  const present = new Set(await bucket.list(folder));
  const plan = planRequery({ manifest, present, runDate, rebuilt: input.rebuilt });
  const requeried = new Set(plan.all ? [] : plan.months);
  const ranges = plan.all ? [{ start: HISTORY_START, end: runDate }] : queryRanges(plan.months, runDate);

  const writeId = randomUUID().slice(0, 8);
  const fresh: ChunkRecord[] = [];
  for (const range of ranges) {
    const batches = warehouse.stream(
      sql,
      { run_date: runDate, from_date: range.start, through_date: range.end, is_demo: isDemo },
      { label: `extract ${name} ${range.start} → ${range.end}` },
    );
    fresh.push(
      ...(await writeMonthChunks(bucket, batches, schema, (month) =>
        extractChunkPath(name, fingerprint, month, writeId),
      )),
    );
  }
  const kept = plan.all
    ? []
    : (manifest?.months ?? []).filter(
        (chunk) => !requeried.has(chunk.month) && chunk.month <= monthOf(runDate),
      );
  const months = [...kept, ...fresh].sort((a, b) => a.month.localeCompare(b.month));
  const header = csvHeader(schema.columns.map((column) => column.name));
  if (!present.has(headerPath)) await bucket.write(headerPath, header, { contentType: CSV_CONTENT_TYPE });
  const state = input.rebuilt ? input.rebuilt.toState : (input.stateBefore ?? null);
  const next: ChunkManifest = { runDate, state, months };
  await bucket.write(manifestPath, `${JSON.stringify(next, null, 1)}\n`, { contentType: "application/json" });
  const sources = [headerPath, ...months.map((chunk) => chunk.path)];
  try {
    await bucket.compose(sources, destination, { contentType: CSV_CONTENT_TYPE });
  } catch (error) {
    // A chunk deleted under us (an export of another run date cleaning up at the same time): a retry replans,
    // finds the chunk missing and queries its month again, so this is worth retrying, not a permanent failure.
    const now = new Set(await bucket.list(folder));
    const gone = sources.filter((source) => !now.has(source));
    if (gone.length === 0) throw error;
    throw Object.assign(
      new Error(
        `extract ${name}: ${gone.length} chunk(s) vanished before compose (${gone.join(", ")}); retry`,
        {
          cause: error,
        },
      ),
      { transient: true },
    );
  }
  const inForce = new Set([manifestPath, headerPath, ...months.map((chunk) => chunk.path)]);
  for (const path of await bucket.list(extractChunksRoot(name))) {
    if (!inForce.has(path) && !path.includes(".corrupt-")) await bucket.delete(path);
  }
  return {
    rows: months.reduce((sum, chunk) => sum + chunk.rows, 0),
    bytes: Buffer.byteLength(header) + months.reduce((sum, chunk) => sum + chunk.bytes, 0),
    monthsQueried: plan.all ? fresh.length : plan.months.length,
    queries: ranges.length,
    plan,
    ...(corrupt ? { corrupt } : {}),
  };
}
