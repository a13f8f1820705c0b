// The I/O edge of one file drop: hash it, keep it as received, recognise and stream it into its raw table,
// quarantine what cannot be loaded, replace what an earlier export of the same period landed, and record it all
// in a manifest. Parsing and mapping live in pure modules (records, pipeline, the formats).
import { deleteOfCount, queryTemplate } from "../lib/sql/queries.ts";
import { createHash } from "node:crypto";
import { manifestPath, quarantinePath, receivedPath } from "../lib/bucket-layout.ts";
import { DATASETS, FILE_DROPS_TABLE } from "../shared/pipeline.ts";
import type { Bucket, Clock, LoadColumn, Logger, Row, Warehouse } from "../shared/ports.ts";
import { RAW_PARTITIONING, rawTable } from "../shared/raw-schemas.ts";
import { SOURCES } from "../shared/sources.ts";
import { describeCorrupt, objectWith, readStateFile } from "../shared/state-file.ts";
import { isTransient } from "../shared/step.ts";
import type { FormatSpec, MapContext } from "./format-spec.ts";
import {
  detectFormat,
  type DetectedFormat,
  type MapSummary,
  mapRecords,
  type QuarantineEntry,
} from "./map-records.ts";
import { FileError, openRecords } from "./records.ts";
import { checkZipDirectory } from "./xlsx-limits.ts";
import { type Fingerprint, fingerprint } from "./fingerprint.ts";

import type { DecimalSeparator } from "./parse-values.ts";
import { sniffDecimal } from "./decimal-sniff.ts";
import { firstAttemptAt, removeOwnRows } from "./drop-attempts.ts";
import { replaceKeyedRows } from "./keyed-replacement.ts";
import { exportAccountOf } from "../lib/ad-export-accounts.ts";
import { decideEncoding, type EncodingGuess, isZip } from "./sniff.ts";
import { fitTimeZone, OffsetSampler, type ZoneFit } from "./time-zone-fit.ts";

export type DropStatus = "loaded" | "failed" | "duplicate" | "processing";

/** What the bucket's manifest (raw/manifest/<sha256>.json) and ops.file_drops record of a file. */
export interface FileManifest {
  sha256: string;
  fileName: string;
  sizeBytes: number;
  receivedPath: string;
  receivedAt: string;
  runDate: string;
  status: DropStatus;
  kind: string | null;
  format: string | null;
  rawTable: string | null;
  container: "text" | "xlsx" | null;
  encoding: string | null;
  delimiter: string | null;
  headerLine: number | null;
  periodStart: string | null;
  periodEnd: string | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsLanded: number;
  summaryRows: number;
  /** Rows of earlier exports of the same kind and period that this file replaced. */
  rowsReplaced: number;
  quarantinePath: string | null;
  error: string | null;
  /** Every time these exact bytes were dropped. */
  drops: { name: string; at: string; outcome: DropStatus }[];
  /** The decimal separator decided from the file's amounts (formats that declare amount columns). */
  decimalSeparator?: DecimalSeparator;
  /** How the shop's configured zone fits the UTC offsets on the file's timestamps (files that write them). */
  timeZone?: ZoneFit & { configured: string };
}

export const FILE_DROP_COLUMNS: readonly LoadColumn[] = [
  { name: "sha256", type: "STRING" },
  { name: "file_name", type: "STRING" },
  { name: "size_bytes", type: "INT64" },
  { name: "received_path", type: "STRING" },
  { name: "received_at", type: "TIMESTAMP" },
  { name: "run_date", type: "DATE" },
  { name: "status", type: "STRING" },
  { name: "kind", type: "STRING" },
  { name: "raw_table", type: "STRING" },
  { name: "encoding", type: "STRING" },
  { name: "delimiter", type: "STRING" },
  { name: "period_start", type: "DATE" },
  { name: "period_end", type: "DATE" },
  { name: "rows_read", type: "INT64" },
  { name: "rows_loaded", type: "INT64" },
  { name: "rows_quarantined", type: "INT64" },
  { name: "rows_landed", type: "INT64" },
  { name: "rows_replaced", type: "INT64" },
  { name: "quarantine_path", type: "STRING" },
  { name: "error", type: "STRING" },
];

export interface DropPorts {
  warehouse: Warehouse;
  bucket: Bucket;
  clock: Clock;
  log: Logger;
}

export interface DropSettings {
  runDate: string;
  shopTimezone: string;
  shopCurrency: string;
  /** Built-in formats and the declared mappings, in recognition order. */
  formats: readonly FormatSpec[];
  chunkSize: number;
  /** Today in the shop's zone plus one day; later event dates are refused. */
  latestEventDate: string;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** A push-fed async iterable, so quarantined rows stream into the bucket while the file is still being read. */
class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private closed = false;

  push(item: T): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
    } else this.items.push(item);
  }

  close(): void {
    this.closed = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
    };
  }
}

/** CSV quoting for quarantine files (RFC 4180): the original cells, kept as read. */
export function csvLine(cells: readonly (string | number)[]): string {
  return `${cells
    .map((cell) => {
      const text = String(cell);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(",")}\r\n`;
}

/** Quarantine file: line, reason, then the row's own cells under the file's own header. */
class QuarantineWriter {
  private channel: Channel<string> | undefined;
  private done: Promise<{ bytes: number }> | undefined;

  constructor(
    private readonly bucket: Bucket,
    readonly path: string,
    private readonly header: readonly string[],
  ) {}

  write(entry: QuarantineEntry): void {
    if (!this.channel) {
      this.channel = new Channel<string>();
      this.channel.push(csvLine(["line", "reason", ...this.header]));
      this.done = this.bucket.writeStream(this.path, this.channel, {
        contentType: "text/csv; charset=utf-8",
      });
    }
    this.channel.push(csvLine([entry.line, entry.reason, ...entry.cells]));
  }

  get used(): boolean {
    return this.channel !== undefined;
  }

  async close(): Promise<void> {
    this.channel?.close();
    await this.done;
  }
}

function eventDateSql(table: string): string {
  const source = SOURCES.find((candidate) => candidate.freshnessTable === table);
  if (!source) throw new Error(`no event date known for raw.${table}`);
  return source.eventDateSql;
}

function emptyManifest(
  fingerprint: Fingerprint,
  name: string,
  settings: DropSettings,
  receivedAt: string,
): FileManifest {
  return {
    sha256: fingerprint.sha256,
    fileName: name,
    sizeBytes: fingerprint.size,
    receivedPath: receivedPath(fingerprint.sha256, name),
    receivedAt,
    runDate: settings.runDate,
    status: "processing",
    kind: null,
    format: null,
    rawTable: null,
    container: null,
    encoding: null,
    delimiter: null,
    headerLine: null,
    periodStart: null,
    periodEnd: null,
    rowsRead: 0,
    rowsLoaded: 0,
    rowsQuarantined: 0,
    rowsLanded: 0,
    summaryRows: 0,
    rowsReplaced: 0,
    quarantinePath: null,
    error: null,
    drops: [],
  };
}

/**
 * The file's manifest, if one parses. An unreadable one is set aside (logged, `corrupt`) and the file is handled as
 * new (loading it again is idempotent).
 */
async function readManifest(
  bucket: Bucket,
  sha256: string,
  log: Logger,
): Promise<{ manifest: FileManifest | undefined; corrupt: boolean }> {
  const read = await readStateFile<FileManifest>(
    bucket,
    manifestPath(sha256),
    objectWith("sha256", "status"),
  );
  if (read.corrupt) log.error(describeCorrupt(read.corrupt), { event: "state.corrupt" });
  return { manifest: read.value, corrupt: read.corrupt !== undefined };
}

async function recordManifest(ports: DropPorts, manifest: FileManifest): Promise<void> {
  await ports.bucket.write(manifestPath(manifest.sha256), `${JSON.stringify(manifest, null, 2)}\n`, {
    contentType: "application/json",
  });
  await ports.warehouse.load({
    dataset: DATASETS.ops,
    table: FILE_DROPS_TABLE,
    columns: FILE_DROP_COLUMNS,
    replaceWhere: { column: "sha256", value: manifest.sha256 },
    rows: [
      {
        sha256: manifest.sha256,
        file_name: manifest.fileName,
        size_bytes: manifest.sizeBytes,
        received_path: manifest.receivedPath,
        received_at: manifest.receivedAt,
        run_date: manifest.runDate,
        status: manifest.status,
        kind: manifest.kind,
        raw_table: manifest.rawTable,
        encoding: manifest.encoding,
        delimiter: manifest.delimiter,
        period_start: manifest.periodStart,
        period_end: manifest.periodEnd,
        rows_read: manifest.rowsRead,
        rows_loaded: manifest.rowsLoaded,
        rows_quarantined: manifest.rowsQuarantined,
        rows_landed: manifest.rowsLanded,
        rows_replaced: manifest.rowsReplaced,
        quarantine_path: manifest.quarantinePath,
        error: manifest.error,
      },
    ],
  });
}

async function openDetected(
  ports: DropPorts,
  receivedPath: string,
  encoding: EncodingGuess,
  wholeFileUtf8: boolean,
  formats: readonly FormatSpec[],
): Promise<{ detected: DetectedFormat; container: "text" | "xlsx"; encoding?: string; delimiter?: string }> {
  const opened = await openRecords(ports.bucket.readStream(receivedPath), { encoding });
  const detected = await detectFormat(opened.records, formats);
  const reader = detected.format.reader;
  const needsReopen =
    reader !== undefined &&
    (opened.container === "xlsx"
      ? reader.decimal !== undefined || reader.dateFormat !== undefined || reader.sheet !== undefined
      : (reader.encoding !== undefined && reader.encoding !== opened.encoding?.encoding) ||
        (reader.delimiter !== undefined && reader.delimiter !== opened.delimiter));
  if (!needsReopen || !reader) {
    return {
      detected,
      container: opened.container,
      encoding: opened.encoding?.encoding,
      delimiter: opened.delimiter,
    };
  }
  // The declared mapping reads numbers, dates, the encoding or the delimiter its own way: read it again so.
  await detected.rest.return?.();
  if (reader.encoding === "utf-8" && opened.container === "text" && !wholeFileUtf8) {
    // Decoding as declared would put U+FFFD where the file's letters are.
    throw new FileError(
      `the ${detected.format.label} declares UTF-8, but the file is not valid UTF-8 (it reads as Windows-1252); set the mapping's "encoding" to "auto", or export the file again as UTF-8`,
    );
  }
  const declared = await openRecords(
    ports.bucket.readStream(receivedPath),
    {
      encoding: reader.encoding ? { encoding: reader.encoding, bom: false } : encoding,
      delimiter: reader.delimiter,
    },
    { decimal: reader.decimal ?? ".", dateFormat: reader.dateFormat ?? "yyyy-mm-dd", sheet: reader.sheet },
  );
  return {
    detected: await detectFormat(declared.records, [detected.format]),
    container: declared.container,
    encoding: declared.encoding?.encoding,
    delimiter: declared.delimiter,
  };
}

export interface DropOutcome {
  manifest: FileManifest;
  /** Where the quarantine file is, when rows were quarantined. */
  quarantinePath?: string;
}

/**
 * Ingests one object of raw/inbox/. Any error while handling it fails this file only — the file is marked failed
 * in its manifest (named, with the reason), moved out of the inbox, and the run goes on — except a transient one
 * (the warehouse or bucket briefly unreachable), which is thrown so that the step is retried with the file still
 * in the inbox. No file can block the shop.
 */
export async function ingestDrop(
  ports: DropPorts,
  settings: DropSettings,
  inboxPath: string,
): Promise<DropOutcome> {
  let print: Fingerprint | undefined;
  try {
    print = await fingerprint(ports.bucket.readStream(inboxPath));
    return await ingestFingerprinted(ports, settings, inboxPath, print);
  } catch (error) {
    if (isTransient(error)) throw error;
    return failDrop(ports, settings, inboxPath, print, error);
  }
}

/**
 * A file that failed outside the reading of its rows (it cannot be opened, is not a regular file, its name or
 * its manifest cannot be stored): recorded as failed, under its content hash when it could be read and under the
 * hash of its inbox path otherwise, and taken out of the inbox.
 */
async function failDrop(
  ports: DropPorts,
  settings: DropSettings,
  inboxPath: string,
  print: Fingerprint | undefined,
  error: unknown,
): Promise<DropOutcome> {
  const name = baseName(inboxPath);
  const now = ports.clock.now().toISOString();
  const reason = error instanceof Error ? error.message : String(error);
  const key = print ?? {
    sha256: createHash("sha256").update(`inbox:${inboxPath}`).digest("hex"),
    size: 0,
    head: new Uint8Array(),
    utf8: true,
  };
  const manifest = emptyManifest(key, name, settings, now);
  const kept = print !== undefined && (await ports.bucket.exists(manifest.receivedPath).catch(() => false));
  Object.assign(manifest, {
    status: "failed",
    receivedPath: kept ? manifest.receivedPath : "",
    error: `${name}: ${reason}${print ? "" : " (its content could not be read; this manifest is keyed by the hash of its inbox path)"}`,
    drops: [{ name, at: now, outcome: "failed" }],
  });
  ports.log.child({ file: name }).warn("file drop failed", { reason });
  try {
    await recordManifest(ports, manifest);
  } catch (recordError) {
    ports.log.error("could not record the failed file's manifest", { file: name, error: recordError });
  }
  try {
    await ports.bucket.delete(inboxPath);
  } catch (deleteError) {
    ports.log.error("could not take the failed file out of the inbox", { file: name, error: deleteError });
  }
  return { manifest };
}

async function ingestFingerprinted(
  ports: DropPorts,
  settings: DropSettings,
  inboxPath: string,
  print: Fingerprint,
): Promise<DropOutcome> {
  const { bucket, warehouse, log } = ports;
  const name = baseName(inboxPath);
  const now = ports.clock.now().toISOString();
  const fileLog = log.child({ file: name, sha256: print.sha256.slice(0, 12) });
  const { manifest: previous, corrupt } = await readManifest(bucket, print.sha256, fileLog);
  const landedSince = firstAttemptAt(previous, corrupt, now);

  if (previous?.status === "loaded") {
    // The same bytes again: nothing to load twice. The drop is remembered; the inbox copy goes.
    const manifest: FileManifest = {
      ...previous,
      drops: [...previous.drops, { name, at: now, outcome: "duplicate" }],
    };
    await bucket.write(manifestPath(print.sha256), `${JSON.stringify(manifest, null, 2)}\n`);
    await bucket.delete(inboxPath);
    fileLog.info("file drop already loaded; skipped");
    return { manifest: { ...manifest, status: "duplicate" } };
  }

  const manifest = emptyManifest(print, name, settings, now);
  manifest.drops = [...(previous?.drops ?? []), { name, at: now, outcome: "processing" }];
  if (!(await bucket.exists(manifest.receivedPath))) await bucket.copy(inboxPath, manifest.receivedPath);
  await bucket.write(manifestPath(print.sha256), `${JSON.stringify(manifest, null, 2)}\n`);

  const quarantineFile = quarantinePath(settings.runDate, print.sha256, name);
  let quarantine: QuarantineWriter | undefined;
  let table: string | undefined;
  try {
    if (print.size === 0) throw new FileError("the file is empty");
    if (isZip(print.head) && print.tail) checkZipDirectory(print.tail, print.size);
    const encoding = decideEncoding(print.head, print.utf8);
    if (print.mixedEncoding && !encoding.bom && !isZip(print.head)) {
      const { utf8Line, otherLine } = print.mixedEncoding;
      throw new FileError(
        `the file mixes two text encodings: line ${utf8Line} is written in UTF-8 and line ${otherLine} in Windows-1252 (a legacy Excel encoding), so either way part of it would load garbled; export it again as one file (UTF-8) and drop that`,
      );
    }
    const opened = await openDetected(ports, manifest.receivedPath, encoding, print.utf8, settings.formats);
    const { detected } = opened;
    const format = detected.format;
    table = format.table;
    Object.assign(manifest, {
      kind: format.kind,
      format: format.label,
      rawTable: table,
      container: isZip(print.head) ? "xlsx" : "text",
      encoding: opened.encoding ?? null,
      delimiter: opened.delimiter ?? null,
      headerLine: detected.headerLine,
    });
    await removeOwnRows(warehouse, table, print.sha256, landedSince);

    const schema = rawTable(table);
    const columns: LoadColumn[] = schema.columns.map((column) => ({ name: column.name, type: column.type }));
    const meta = { source: "file", kind: format.kind, sha256: print.sha256, file: name };
    const metaText = JSON.stringify({ ...meta, period_start: null, period_end: null });
    const context: MapContext = {
      sha256: print.sha256,
      ingestedAt: now,
      latestEventDate: settings.latestEventDate,
      shopTimezone: settings.shopTimezone,
      shopCurrency: settings.shopCurrency,
      preamble: detected.preamble,
      offsets: new OffsetSampler(),
      decimal: await sniffDecimal(() => bucket.readStream(manifest.receivedPath), encoding, format),
    };
    const writer = new QuarantineWriter(bucket, quarantineFile, detected.header.names);
    quarantine = writer;
    const summary: MapSummary = await mapRecords(
      detected,
      context,
      {
        load: async (rows) => {
          await warehouse.load({
            dataset: DATASETS.raw,
            table: schema.name,
            columns,
            rows,
            timePartition: RAW_PARTITIONING,
          });
        },
        quarantine: (entry) => writer.write(entry),
      },
      {
        chunkSize: settings.chunkSize,
        stamp: (row: Row, line: number) => ({
          ...row,
          _airbyte_raw_id: `file:${print.sha256}:${line}`,
          _airbyte_extracted_at: now,
          _airbyte_meta: metaText,
          _airbyte_generation_id: null,
        }),
      },
    );
    await writer.close();
    Object.assign(manifest, summary, { quarantinePath: writer.used ? quarantineFile : null });
    if (context.decimal) manifest.decimalSeparator = context.decimal;
    const zoneFit = fitTimeZone(settings.shopTimezone, context.offsets?.observations ?? []);
    if (zoneFit) manifest.timeZone = { configured: settings.shopTimezone, ...zoneFit };

    if (summary.rowsLanded > 0 && summary.periodStart !== null && summary.periodEnd !== null) {
      const params = {
        kind: format.kind,
        sha256: print.sha256,
        period_start_date: summary.periodStart,
        period_end_date: summary.periodEnd,
        shop_timezone: settings.shopTimezone,
        // Every row of this drop was landed (extracted) at this time.
        landed_at: now,
        meta: JSON.stringify({ ...meta, period_start: summary.periodStart, period_end: summary.periodEnd }),
      };
      const slots = { table: `${DATASETS.raw}.${table}`, event_date: eventDateSql(table) };
      if (format.replacement === "period") {
        // A corrected export replaces what earlier exports of the same kind landed for the days it covers, of
        // its own accounts (the rows sql/queries/ingest/superseded_file_drop_rows.sql counts).
        const account = exportAccountOf(table);
        const superseded = queryTemplate("ingest/superseded_file_drop_rows", {
          ...slots,
          column: account.column,
        });
        const replaceParams = { ...params, unnamed_account: account.unnamed };
        const [counted] = await warehouse.query<{ row_count: number }>(superseded, replaceParams, {
          label: `file drop rows in ${table}`,
        });
        manifest.rowsReplaced = counted?.row_count ?? 0;
        if (manifest.rowsReplaced > 0) {
          await warehouse.execute(deleteOfCount(superseded), replaceParams, {
            label: `file drop ${name}: replace ${format.kind} ${summary.periodStart}..${summary.periodEnd}`,
          });
        }
      }
      if (format.replacement === "keyed")
        manifest.rowsReplaced = await replaceKeyedRows(warehouse, table, params);
      await warehouse.execute(queryTemplate("ingest/record_file_drop_period", slots), params, {
        label: `file drop ${name}: record period`,
      });
    }
    manifest.status = "loaded";
    fileLog.info("file drop loaded", {
      kind: format.kind,
      rowsRead: summary.rowsRead,
      rowsLoaded: summary.rowsLoaded,
      rowsQuarantined: summary.rowsQuarantined,
      period: `${summary.periodStart}..${summary.periodEnd}`,
    });
  } catch (error) {
    if (!(error instanceof FileError) && isTransient(error)) {
      await quarantine?.close().catch(() => undefined);
      throw error;
    }
    const reason = error instanceof Error ? error.message : String(error);
    // Nothing of a failed file stays loaded: its rows are removed and its quarantine file dropped.
    await quarantine?.close().catch(() => undefined);
    if (quarantine?.used) await bucket.delete(quarantineFile);
    if (table) await removeOwnRows(warehouse, table, print.sha256, landedSince);
    Object.assign(manifest, {
      status: "failed",
      error: `${name}: ${reason}`,
      rowsRead: 0,
      rowsLoaded: 0,
      rowsQuarantined: 0,
      rowsLanded: 0,
      summaryRows: 0,
      rowsReplaced: 0,
      periodStart: null,
      periodEnd: null,
      quarantinePath: null,
    });
    fileLog.warn("file drop failed", { reason });
  }
  const last = manifest.drops[manifest.drops.length - 1];
  if (last) last.outcome = manifest.status;
  await recordManifest(ports, manifest);
  await bucket.delete(inboxPath);
  return { manifest, quarantinePath: manifest.quarantinePath ?? undefined };
}
