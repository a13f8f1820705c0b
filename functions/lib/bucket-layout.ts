// Every path in the bucket, in one place: what each step writes and reads, and what people and Looker Studio
// open. Dated folders are `dt=YYYY-MM-DD` (the run date), so a day's objects list, expire and re-run together.
import type { StepName } from "../shared/pipeline.ts";

/** File drops land here (a Cloud Storage finalize event starts the run); the inbox is emptied as each is handled. */
export const INBOX_PREFIX = "raw/inbox/";

/**
 * The inbox folder `reland` copies loaded files back into (<INBOX_PREFIX><this>/<position>/<name>), read before
 * the rest of the inbox in their positions' order (ingest's dropOrder).
 */
export const RELANDED_FOLDER = "relanded";

/** Bucket folder holding one file-drop mapping per JSON file (mappings/<name>.json). */
export const MAPPINGS_PREFIX = "mappings/";

/** The raw tables' inventory that check-sources compares each run against. */
export const INVENTORY_BASELINE_PATH = "state/source-inventory.json";

function dated(runDate: string): string {
  return `dt=${runDate}`;
}

// --- the run: runs/dt=<date>/ -------------------------------------------------------------------------------

export function runPrefix(runDate: string): string {
  return `runs/${dated(runDate)}`;
}

/** The ledger's step records of a run date. */
export function stepRecordsPrefix(runDate: string): string {
  return `${runPrefix(runDate)}/steps/`;
}

export function stepRecordPath(runDate: string, step: StepName): string {
  return `${stepRecordsPrefix(runDate)}${step}.json`;
}

export function stepClaimPath(runDate: string, step: StepName): string {
  return `${runPrefix(runDate)}/claims/${step}.json`;
}

/** Check-sources' per-source status, read by the deck and the email. */
export function sourcesStatusPath(runDate: string): string {
  return `${runPrefix(runDate)}/sources.json`;
}

/**
 * What the report step's deck was built from (aggregated mart rows, findings, sources' status): the summary email
 * of the same run reads it instead of asking the warehouse the same questions again.
 */
export function reportDataPath(runDate: string): string {
  return `${runPrefix(runDate)}/report-data.json`;
}

export function anomaliesPaths(runDate: string): { markdown: string; json: string } {
  return {
    markdown: `${runPrefix(runDate)}/anomalies.md`,
    json: `${runPrefix(runDate)}/anomalies.json`,
  };
}

/** The markers that make each email go out once. */
export function emailMarkersPrefix(runDate: string): string {
  return `${runPrefix(runDate)}/emails/`;
}

export function summaryEmailMarkerPath(runDate: string): string {
  return `${emailMarkersPrefix(runDate)}summary.json`;
}

export function failureEmailMarkerPath(runDate: string, step: StepName, runId: string): string {
  return `${emailMarkersPrefix(runDate)}failure-${step}-${runId}.json`;
}

/** What a step's critical findings already posted to the chat webhook, so a re-run does not post them again. */
export function chatAlertMarkerPath(runDate: string, step: StepName): string {
  return `${runPrefix(runDate)}/chat/${step}.json`;
}

// --- what people and dashboards open -------------------------------------------------------------------------

export function deckPath(runDate: string): string {
  return `reports/${dated(runDate)}/dtc-pulse-${runDate}.pptx`;
}

/** The self-contained dashboard page built from the run date's extracts, next to the deck. */
export function dashboardPagePath(runDate: string): string {
  return `reports/${dated(runDate)}/dashboard.html`;
}

export function extractPath(name: string, runDate: string): string {
  return `extracts/${name}/${dated(runDate)}/${name}.csv`;
}

/**
 * The run date that extracts/latest/ shows: a run of an older date never replaces latest/ (kept outside latest/
 * so that a Looker folder data source over latest/ reads CSVs only).
 */
export const LATEST_EXTRACTS_STATE_PATH = "state/extracts-latest.json";

/**
 * An incremental extract's state: per month, its CSV rows (no header) as the export step last queried them, a
 * header, and a manifest naming the chunks, under a folder per schema fingerprint (the extract's SQL, columns and
 * format), so a changed extract starts afresh in a new folder.
 */
export function extractChunksFolder(name: string, fingerprint: string): string {
  return `${extractChunksRoot(name)}${fingerprint}/`;
}

/** Every fingerprint's folder of an extract's chunks (those of an older fingerprint are deleted). */
export function extractChunksRoot(name: string): string {
  return `state/extract-chunks/${name}/`;
}

export function extractChunksManifestPath(name: string, fingerprint: string): string {
  return `${extractChunksFolder(name, fingerprint)}manifest.json`;
}

export function extractChunksHeaderPath(name: string, fingerprint: string): string {
  return `${extractChunksFolder(name, fingerprint)}header.csv`;
}

/** One month's rows; `writeId` makes every write a new object, so the manifest in force never names a half-new set. */
export function extractChunkPath(name: string, fingerprint: string, month: string, writeId: string): string {
  return `${extractChunksFolder(name, fingerprint)}month=${month}.${writeId}.csv`;
}

/** What Looker Studio reads: replaced only once the dated file is whole. */
export function latestExtractPath(name: string): string {
  return `extracts/latest/${name}.csv`;
}

// --- file drops --------------------------------------------------------------------------------------------

/** A dropped file as received, kept by content hash. */
/** Longest storage name, in UTF-8 bytes: with its folder and prefix a path stays far below 255-byte name limits. */
const MAX_STORAGE_NAME_BYTES = 120;

/**
 * A dropped file's name as it may be stored: path separators, backslashes, control characters (C0, DEL, C1),
 * the invisible bidirectional marks, overrides and isolates (a name shown reversed), and the characters a shell
 * acts on inside a word (wildcards, quotes, redirections, command substitution and chaining: * ? " ' < > | $ `
 * ; & !) become "_"; spaces and parentheses stay (a browser's "orders_export (1).csv"). Leading dots go (no
 * "..", no hidden files), and a long name is cut to 120 bytes keeping its extension. The original name is kept in
 * the file's manifest.
 */
export function storageName(fileName: string): string {
  let name = fileName
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex -- control characters are what is replaced
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\:*?"'<>|$`;&!]/g, "_")
    .replace(/^[.\s]+/, "")
    .trim();
  if (!name || /^_*$/.test(name)) name = `file${name}`;
  if (Buffer.byteLength(name) <= MAX_STORAGE_NAME_BYTES) return name;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
  let stem = name.slice(0, name.length - extension.length);
  while (Buffer.byteLength(stem + extension) > MAX_STORAGE_NAME_BYTES) stem = [...stem].slice(0, -1).join("");
  return stem + extension;
}

export function receivedPath(sha256: string, fileName: string): string {
  return `raw/received/${sha256}/${storageName(fileName)}`;
}

/** What ingest knows about a dropped file, by content hash. */
export function manifestPath(sha256: string): string {
  return `raw/manifest/${sha256}.json`;
}

/** Where rejected rows are kept (they may hold plaintext PII: bucket-lifecycle.ts expires them). */
export const QUARANTINE_PREFIX = "quarantine/";

/** A file drop's rejected rows, with the reason for each (always a .csv, whatever the file was). */
export function quarantinePath(runDate: string, sha256: string, fileName: string): string {
  const safe = storageName(fileName);
  const csvName = safe.toLowerCase().endsWith(".csv") ? safe : `${safe}.csv`;
  return `${QUARANTINE_PREFIX}${dated(runDate)}/${sha256.slice(0, 12)}-${csvName}`;
}

// --- source connectors -----------------------------------------------------------------------------------------

/** A connector's cursor (how far it has pulled), one JSON file per source. */
export function connectorStatePath(source: string): string {
  return `state/connectors/${source}.json`;
}

/**
 * What ingest's last check of the ad days without an exchange rate established (when it began, the days it found
 * without one): the next daily run reads only the raw ad rows landed since (functions/ingest/days-without-rate.ts).
 */
export const DAYS_WITHOUT_RATE_STATE_PATH = "state/exchange-rates.json";

/** Check-sources' reconciliation of the warehouse with each platform API's own totals (the scoreboard). */
export function reconciliationPath(runDate: string): string {
  return `${runPrefix(runDate)}/reconciliation.json`;
}

/** The Airbyte sync check-sources started (or found running) for a stale source on a run date: one per day. */
export function airbyteSyncMarkerPath(runDate: string, source: string): string {
  return `state/airbyte-sync/dt=${runDate}/${source}.json`;
}

/**
 * A load of the inbox whose day (the newest of the orders it held) has not run with it yet: that day's run carries
 * its findings and files, then removes it (functions/cli/inbox-first.ts).
 */
export const INBOX_LOAD_STATE_PATH = "state/inbox-load.json";
