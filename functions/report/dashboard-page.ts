// The dashboard page of a run: reads the CSV extracts the export step wrote for the run date from the bucket,
// builds the model and renders the one HTML file. The edge of the dashboard: the model and renderer stay pure.
import { parse } from "csv-parse/sync";
import { shownAsWritten } from "../lib/csv-formulas.ts";
import { extractPath } from "../lib/bucket-layout.ts";
import type { Bucket } from "../shared/ports.ts";
import type { StepContext } from "../shared/step.ts";
import { buildDashboardModel } from "./dashboard-model.ts";
import { readChartJs, renderDashboardHtml } from "./dashboard-render.ts";
import {
  DASHBOARD_EXTRACTS,
  type ExtractRow,
  type ExtractTables,
  extractRowsSince,
} from "./dashboard-rows.ts";

/**
 * Parsed rows of one extract CSV (header row = column names; every cell kept as text). With `keep`, only the
 * rows whose `column` is on or after `since` are kept, decided row by row while parsing.
 *
 * The daily extracts are sorted by their first column, the date, and the page needs their last weeks only: a
 * file of years (6 MB of campaign days) is parsed from its first row on or after `since`, found by text search,
 * instead of whole, so the page's cost does not grow with the shop's history. If that cut could be wrong (no
 * such row, a parse error, a first row that is not that day) the whole file is parsed instead.
 */
export function parseExtract(text: string | Buffer, keep?: { column: string; since: string }): ExtractRow[] {
  const whole = typeof text === "string" ? text : text.toString("utf8");
  const tail = keep ? rowsFromDay(whole, keep) : undefined;
  if (tail) return tail;
  const rows = recordsOf(whole);
  return keep ? rows.filter((record) => (record[keep.column] ?? "") >= keep.since) : rows;
}

/**
 * The CSV's records as objects keyed by its header. csv-parse reads the cells (and refuses a row whose count
 * differs from the header's); the objects are made here: its `columns` option built them 3–4 times slower (12 ms
 * against 40–58 ms for 1,120 product days), most of the twelve extracts' 290 ms of parsing in a fresh process
 * (210 ms now).
 */
function recordsOf(text: string): ExtractRow[] {
  const [header, ...cells] = parse(text, { skip_empty_lines: true, bom: true }) as string[][];
  if (!header) return [];
  return cells.map((row) => {
    const record: ExtractRow = {};
    header.forEach((column, index) => {
      // As the shop wrote it, as the email and deck show it: without the apostrophe the export put before a
      // spreadsheet formula start (a page runs no formula).
      record[column] = shownAsWritten(row[index] ?? "");
    });
    return record;
  });
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The rows from the first line that starts with a day on or after `since`, when the first column is that day. */
function rowsFromDay(text: string, keep: { column: string; since: string }): ExtractRow[] | undefined {
  const headerEnd = text.indexOf("\n");
  const header = text.slice(0, headerEnd).replace(/^\uFEFF/, "");
  if (headerEnd < 0 || header.split(",")[0] !== keep.column || !DAY.test(keep.since)) return undefined;
  const cut = firstLineFromDay(text, headerEnd + 1, keep.since);
  if (cut < 0) return undefined;
  const firstDay = text.slice(cut, cut + 10);
  try {
    const rows = recordsOf(`${header}\n${text.slice(cut)}`);
    if (rows[0]?.[keep.column] !== firstDay) return undefined;
    return rows.every((row) => (row[keep.column] ?? "") >= keep.since) ? rows : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The offset of the first line, from `from` on, that starts with a day on or after `since` followed by a comma;
 * -1 if none. Line by line with indexOf: 0.6–3.7 ms on 2.9 MB of campaign days (1M demo), a regular expression
 * over every line 3–13 ms.
 */
function firstLineFromDay(text: string, from: number, since: string): number {
  for (let start = from; start > 0 && start < text.length; start = text.indexOf("\n", start) + 1) {
    const day = text.slice(start, start + 10);
    if (day >= since && text.charAt(start + 10) === "," && DAY.test(day)) return start;
  }
  return -1;
}

/** Demo rows say so themselves (is_demo): a page built from them is marked even if the message was not. */
export function isDemoPage(demoRun: boolean, tables: ExtractTables): boolean {
  return demoRun || Object.values(tables).some((rows) => rows?.some((row) => row.is_demo === "true"));
}

/** Bytes read first from an extract's start: its header line, and the whole of a small extract. */
export const HEAD_BYTES = 64 * 1024;
/** Bytes read first from an extract's end; each further read from the end asks for four times more. */
export const FIRST_TAIL_BYTES = 256 * 1024;

/**
 * An extract's rows on or after `keep.since`, reading from the bucket only its header and its last bytes: a file
 * of years is never downloaded whole (on Cloud Storage, a ranged read), so the page's cost and memory do not grow
 * with the shop's history. The end is read in growing parts until the first whole line of the part is a day
 * before `since` (the file is sorted by that day), every part of the generation the first read saw. Whenever the
 * cut could be wrong (the object replaced meanwhile, a header longer than HEAD_BYTES, a part that does not parse)
 * the whole file is read instead. Undefined when the extract does not exist.
 */
export async function readExtractSince(
  bucket: Bucket,
  path: string,
  keep: { column: string; since: string },
): Promise<ExtractRow[] | undefined> {
  const whole = async () => {
    const data = await bucket.read(path);
    return data ? parseExtract(data, keep) : undefined;
  };
  const head = await bucket.readRange(path, 0, HEAD_BYTES);
  if (!head) return undefined;
  if (head.data.length >= head.size) return parseExtract(head.data, keep);
  // Bytes, not characters: a newline byte never occurs inside a multi-byte UTF-8 character.
  const headerEnd = head.data.indexOf(0x0a) + 1;
  if (headerEnd === 0) return whole();
  const header = head.data.subarray(0, headerEnd);
  for (let tailBytes = FIRST_TAIL_BYTES; ; tailBytes *= 4) {
    const start = Math.max(headerEnd, head.size - tailBytes);
    const part = await bucket.readRange(path, start, head.size, head.generation);
    if (!part) return whole();
    // From the header on: the rest of the file, whole.
    if (start === headerEnd) return parseExtract(Buffer.concat([header, part.data]), keep);
    // The part starts inside a line: its rows begin after the first newline.
    const lines = part.data.subarray(part.data.indexOf(0x0a) + 1);
    const firstDay = lines.subarray(0, 11).toString("utf8");
    if (
      DAY.test(firstDay.slice(0, 10)) &&
      firstDay.charAt(10) === "," &&
      firstDay.slice(0, 10) < keep.since
    ) {
      try {
        return parseExtract(Buffer.concat([header, lines]), keep);
      } catch {
        return whole();
      }
    }
  }
}

/** The run date's extracts; a missing one is undefined (its page says so) rather than an error. */
export async function readExtracts(context: StepContext): Promise<ExtractTables> {
  const { bucket } = context.ports;
  const since = extractRowsSince(context.message.runDate);
  // Read at once: on Cloud Storage each read is a request with its own latency.
  const tables = await Promise.all(
    DASHBOARD_EXTRACTS.map(async (name) => {
      const path = extractPath(name, context.message.runDate);
      const keep = since[name];
      if (keep) return readExtractSince(bucket, path, keep);
      const data = await bucket.read(path);
      return data ? parseExtract(data) : undefined;
    }),
  );
  return Object.fromEntries(DASHBOARD_EXTRACTS.map((name, index) => [name, tables[index]]));
}

export async function buildDashboardPage(
  context: StepContext,
): Promise<{ html: string; pages: number; missing: string[] }> {
  const tables = await readExtracts(context);
  const model = buildDashboardModel(tables, {
    runDate: context.message.runDate,
    shop: context.config.shop,
    demo: isDemoPage(context.message.demo === true, tables),
  });
  const html = renderDashboardHtml(model, await readChartJs());
  return {
    html,
    pages: model.pages.length,
    missing: DASHBOARD_EXTRACTS.filter((name) => !tables[name]),
  };
}
