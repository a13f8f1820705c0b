// Step 1: land the run date's raw data. Sources that Airbyte/Fivetran land in the warehouse need nothing here;
// files dropped in raw/inbox/ (Shopify, Meta, Google Ads and TikTok exports, sales exports with a declared
// mapping) are kept as received, recognised by their header and loaded into the raw tables' shapes. Then the
// step takes stock of what landed for the run date.
import { queryTemplate } from "../lib/sql/queries.ts";
import { INBOX_PREFIX, MAPPINGS_PREFIX, RELANDED_FOLDER } from "../lib/bucket-layout.ts";
import { addDays, localDate } from "../lib/calendar.ts";
import type { Finding } from "../shared/findings.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { Bucket } from "../shared/ports.ts";
import { datingTables, SOURCES } from "../shared/sources.ts";
import { INGEST_METRICS } from "../shared/ingest-metrics.ts";
import { RAW_TABLES } from "../shared/raw-schemas.ts";
import { ensureRawTables } from "./raw-tables.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { type DropOutcome, type FileManifest, ingestDrop } from "./file-drop.ts";
import type { FormatSpec } from "./format-spec.ts";
import { BUILTIN_FORMATS } from "./builtin-formats.ts";
import { genericFormat, parseMapping } from "./generic.ts";
import { runConnectors } from "./connectors/run.ts";
import { fetchExchangeRates } from "./ecb-rates.ts";
import { type ApiIo, DEFAULT_IO } from "../lib/platform-apis/http.ts";

/** Rows per warehouse.load call: large enough to amortise a load job, small enough to keep memory flat. */
export const LOAD_CHUNK_ROWS = 2_000;
/** A file whose quarantined share is above this is a finding. */
export const REJECT_RATE_THRESHOLD = 0.05;

/** The declared mappings (mappings/*.json) as formats; a broken mapping is a finding, not a failed run. */
export async function loadMappings(bucket: Bucket): Promise<{ formats: FormatSpec[]; findings: Finding[] }> {
  const formats: FormatSpec[] = [];
  const findings: Finding[] = [];
  for (const path of await bucket.list(MAPPINGS_PREFIX)) {
    if (!path.endsWith(".json")) continue;
    const parsed = parseMapping(path, (await bucket.read(path))?.toString("utf8") ?? "");
    if ("mapping" in parsed) formats.push(genericFormat(parsed.mapping));
    else {
      findings.push({
        step: "ingest",
        check: "file_drop_mapping_invalid",
        severity: "warning",
        blocking: false,
        subject: path,
        observed: null,
        expected: "a mapping as described in docs/file-drops.md",
        message: `${parsed.error}. Files that need it are not loaded until it is fixed.`,
      });
    }
  }
  return { formats, findings };
}

/**
 * A file whose timestamps carry UTC offsets that the configured zone does not give: orders near midnight land
 * on the wrong day. Says which zones the offsets fit.
 */
export function timeZoneFinding(manifest: FileManifest): Finding[] {
  const fit = manifest.timeZone;
  if (!fit || fit.configuredFits) return [];
  const proposal = fit.fitting.length
    ? `they fit ${fit.fitting.join(", ")}; set shop.timezone to ${fit.fitting[0]} in the settings file (or $PULSE_TIMEZONE), then rebuild with \`npm start -- --full-refresh --force\``
    : "no known time zone gives all of them; check how the file was exported";
  return [
    {
      step: "ingest",
      check: "file_drop_time_zone",
      severity: "warning",
      blocking: false,
      subject: manifest.fileName,
      table: manifest.rawTable ?? undefined,
      observed: fit.offsets.join(", "),
      expected: `the offsets of ${fit.configured}`,
      message: `${manifest.fileName} writes its times with UTC offsets ${fit.offsets.join(", ")}, which the configured time zone ${fit.configured} does not give: orders near midnight are counted on the wrong day. The offsets ${proposal}.`,
    },
  ];
}

/** What a file drop's outcome means for the people reading the run. No row content, no PII: counts and paths. */
export function dropFindings(outcome: DropOutcome): Finding[] {
  const { manifest } = outcome;
  if (manifest.status === "failed") {
    return [
      {
        step: "ingest",
        check: "file_drop_failed",
        severity: "critical",
        blocking: false,
        subject: manifest.fileName,
        observed: null,
        expected: "a readable, supported export",
        // A refused link or FIFO was never opened, so nothing was kept: saying "kept in ." misled.
        message: manifest.receivedPath
          ? `${manifest.error ?? manifest.fileName} — nothing from it was loaded; the file is kept in ${manifest.receivedPath}.`
          : `${manifest.error ?? manifest.fileName} — nothing from it was loaded, and nothing was kept: drop the file itself.`,
      },
    ];
  }
  if (manifest.status !== "loaded" || manifest.rowsRead === 0) return [];
  const zone = timeZoneFinding(manifest);
  if (manifest.rowsQuarantined === 0) return zone;
  const rate = manifest.rowsQuarantined / manifest.rowsRead;
  // A few rejected rows are not alarming, but their numbers are missing all the same (a breakdown row of an
  // ad-day, an order's line): said as information, so that no figure is short without a word.
  const over = rate > REJECT_RATE_THRESHOLD;
  const one = manifest.rowsQuarantined === 1;
  return [
    ...zone,
    {
      step: "ingest",
      check: "file_drop_rejects",
      severity: over ? "warning" : "info",
      blocking: false,
      subject: manifest.fileName,
      table: manifest.rawTable ?? undefined,
      observed: Math.round(rate * 10_000) / 10_000,
      expected: `at most ${REJECT_RATE_THRESHOLD * 100}% of rows rejected`,
      message: `${manifest.rowsQuarantined} of the ${manifest.rowsRead} rows of ${manifest.fileName} (${manifest.format}) ${one ? "was" : "were"} not loaded (${(rate * 100).toFixed(1)}%), so ${one ? "its numbers are" : "their numbers are"} missing from the figures; ${one ? "it is" : "each is"} in ${manifest.quarantinePath} with ${one ? "its" : "the"} line and reason: correct the file and drop it again.`,
    },
  ];
}

/** "orders_export_1 (2).csv" as its first download's name and the copy number a browser gave it (0 for none). */
function downloadCopy(path: string): { original: string; copy: number } {
  const match = /^(.*?) ?\((\d{1,4})\)(\.[^./]*)?$/.exec(path);
  return match
    ? { original: `${match[1]}${match[3] ?? ""}`, copy: Number(match[2]) }
    : { original: path, copy: 0 };
}

/**
 * The order the inbox's files are read in, which decides what wins where two hold the same order or ad-days: the
 * one read later. By name, except that a browser's later download of a file ("orders_export_1 (1).csv") comes
 * after the first ("orders_export_1.csv"): by plain name " (1)" sorted first, and the older export's versions won.
 * The files `reland` put back (<inbox>/relanded/<position>/<name>, dropped before every file still waiting) come
 * first, in their positions' order: the order they were first loaded in.
 */
export function dropOrder(paths: readonly string[]): string[] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const relanded = `${INBOX_PREFIX}${RELANDED_FOLDER}/`;
  return paths
    .map((path) => ({ path, relanded: path.startsWith(relanded) ? 0 : 1, ...downloadCopy(path) }))
    .sort(
      (a, b) =>
        a.relanded - b.relanded ||
        (a.relanded === 0 ? compare(a.path, b.path) : 0) ||
        compare(a.original, b.original) ||
        a.copy - b.copy ||
        compare(a.path, b.path),
    )
    .map((item) => item.path);
}

export async function runIngest(context: StepContext, io: ApiIo = DEFAULT_IO): Promise<StepResult> {
  const { warehouse, bucket, clock } = context.ports;
  const { runDate } = context.message;
  const { shop } = context.config;
  const findings: Finding[] = [];
  const outputs: string[] = [];

  // First, so that every load below finds its table with every declared column: a raw table an earlier version
  // made lacks the columns declared since (raw.shopify_orders without `test`), and a drop loaded into it failed
  // on the missing column. Sources with nothing landed yet get their declared tables, empty, so the models can
  // read them.
  const { created, extended } = await ensureRawTables(warehouse, RAW_TABLES);
  if (created.length) context.log.info("created empty raw tables", { tables: created });
  if (Object.keys(extended).length)
    context.log.info("added the columns declared since these raw tables were made", { columns: extended });

  const mappings = await loadMappings(bucket);
  findings.push(...mappings.findings);
  const dropped = dropOrder((await bucket.list(INBOX_PREFIX)).filter((path) => !path.endsWith("/")));
  const counts = {
    loaded: 0,
    failed: 0,
    duplicate: 0,
    rowsRead: 0,
    rowsLoaded: 0,
    rowsQuarantined: 0,
    rowsReplaced: 0,
  };
  for (const path of dropped) {
    const outcome = await ingestDrop(
      { warehouse, bucket, clock, log: context.log },
      {
        runDate,
        shopTimezone: shop.timezone,
        shopCurrency: shop.currency,
        formats: [...BUILTIN_FORMATS, ...mappings.formats],
        chunkSize: LOAD_CHUNK_ROWS,
        latestEventDate: addDays(localDate(clock.now(), shop.timezone), 1),
      },
      path,
    );
    const { manifest } = outcome;
    if (manifest.status === "loaded" || manifest.status === "failed" || manifest.status === "duplicate") {
      counts[manifest.status] += 1;
    }
    counts.rowsRead += manifest.status === "loaded" ? manifest.rowsRead : 0;
    counts.rowsLoaded += manifest.status === "loaded" ? manifest.rowsLoaded : 0;
    counts.rowsQuarantined += manifest.status === "loaded" ? manifest.rowsQuarantined : 0;
    counts.rowsReplaced += manifest.status === "loaded" ? manifest.rowsReplaced : 0;
    outputs.push(manifest.receivedPath);
    if (outcome.quarantinePath) outputs.push(outcome.quarantinePath);
    findings.push(...dropFindings(outcome));
  }

  // The platform APIs, for the sources whose connector is on (docs/connectors.md); each fails on its own.
  const connectors = await runConnectors(context, io);
  findings.push(...connectors.findings);

  // Last, once the files and the APIs have landed the ad rows whose currencies say which rates are needed.
  const rates = await fetchExchangeRates(context, io);
  findings.push(...rates.findings);

  const present = new Set((await warehouse.listTables(DATASETS.raw)).map((table) => table.name));
  const rows: Record<string, number> = {};
  // Per source, the run date's rows: the summary names the sources that landed some, not the tables that exist
  // (a shop with two sources has all four sources' tables, the unused ones empty).
  const landedBySource: string[] = [];
  for (const source of SOURCES) {
    // Every table that holds the source's days: a Smart-only Google Ads account lands them in campaign totals alone.
    const tables = datingTables(source).filter((table) => present.has(table));
    let sourceRows = 0;
    for (const table of tables) {
      const [landed] = await warehouse.query<{ row_count: number }>(
        queryTemplate("ingest/landed_rows_on_run_date", {
          table: `${DATASETS.raw}.${table}`,
          event_date: source.eventDateSql,
        }),
        { run_date: runDate, shop_timezone: shop.timezone },
        { label: `landed ${table}` },
      );
      rows[`${DATASETS.raw}.${table}`] = landed?.row_count ?? 0;
      sourceRows += landed?.row_count ?? 0;
    }
    if (sourceRows > 0) landedBySource.push(`${source.label} ${sourceRows}`);
  }
  const landedTotal = Object.values(rows).reduce((sum, value) => sum + value, 0);
  const landedSummary =
    landedTotal === 0
      ? `no raw rows landed for ${runDate}`
      : `${landedTotal} raw row${landedTotal === 1 ? "" : "s"} landed for ${runDate} (${landedBySource.join(", ")})`;
  const files: FileDropMetrics = {
    filesInInbox: dropped.length,
    filesLoaded: counts.loaded,
    filesFailed: counts.failed,
    filesDuplicate: counts.duplicate,
    [INGEST_METRICS.fileRowsRead]: counts.rowsRead,
    [INGEST_METRICS.fileRowsLoaded]: counts.rowsLoaded,
    [INGEST_METRICS.fileRowsQuarantined]: counts.rowsQuarantined,
    fileRowsReplaced: counts.rowsReplaced,
  };
  return {
    rows,
    outputs,
    findings,
    metrics: { ...files, ...connectors.metrics, ...rates.metrics },
    summary: `${landedSummary}; ${fileDropsSummary(files)}${connectors.summary ? `; ${connectors.summary}` : ""}${rates.summary ? `; ${rates.summary}` : ""}`,
  };
}

/** What the step's file drops came to, in its metrics (check-quality's reject rate reads three of them). */
export const FILE_DROP_METRICS = [
  "filesInInbox",
  "filesLoaded",
  "filesFailed",
  "filesDuplicate",
  INGEST_METRICS.fileRowsRead,
  INGEST_METRICS.fileRowsLoaded,
  INGEST_METRICS.fileRowsQuarantined,
  "fileRowsReplaced",
] as const;
export type FileDropMetrics = Record<(typeof FILE_DROP_METRICS)[number], number>;

/** The file drops' part of the step's summary. */
export function fileDropsSummary(files: FileDropMetrics): string {
  const count = files.filesInInbox;
  if (count === 0) return "no file drops";
  return `${count} file drop${count === 1 ? "" : "s"} (${files.filesLoaded} loaded, ${files.filesDuplicate} already loaded, ${files.filesFailed} failed; ${files.fileRowsLoaded} rows loaded, ${files.fileRowsQuarantined} quarantined)`;
}

/**
 * The findings a file drop gives, whatever the run date (a mapping that does not parse is found again by every run,
 * so it is not one of them).
 */
export function isFileDropFinding(finding: Finding): boolean {
  return (
    finding.step === "ingest" &&
    finding.check.startsWith("file_drop_") &&
    finding.check !== "file_drop_mapping_invalid"
  );
}
