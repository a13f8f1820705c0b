// The warehouse on BigQuery. A thin layer over query jobs: every request names its parameters and types, carries
// labels and a bytes-billed ceiling, and — inside a run — a deterministic job id, so a retried step re-attaches to
// the jobs its earlier delivery already ran instead of running (and paying for) them twice.
import { createHash, randomUUID } from "node:crypto";
import type {
  LoadColumn,
  LoadRequest,
  MaterializeRequest,
  MaterializeResult,
  QueryOptions,
  Row,
  SqlParams,
  SqlValue,
  StreamBatch,
  TableColumn,
  TableInfo,
  Warehouse,
  WarehouseStats,
} from "../../../shared/ports.ts";

// ---------------------------------------------------------------------------------------------------------------
// The slice of the BigQuery REST shapes and of @google-cloud/bigquery that this adapter uses. Kept local and small
// so that tests can hand in a recording fake, and so that a library upgrade is checked in one place (cloud-ports).

export interface QueryParameterType {
  type: string;
  arrayType?: QueryParameterType;
  structTypes?: { name: string; type: QueryParameterType }[];
}

export interface QueryParameterValue {
  /** Absent for NULL. */
  value?: string;
  arrayValues?: QueryParameterValue[];
  structValues?: Record<string, QueryParameterValue>;
}

export interface QueryParameter {
  name: string;
  parameterType: QueryParameterType;
  parameterValue: QueryParameterValue;
}

export interface QueryJobConfiguration {
  query: string;
  useLegacySql: boolean;
  parameterMode: "NAMED";
  queryParameters: QueryParameter[];
  defaultDataset: { projectId: string; datasetId: string };
  /** int64 as a decimal string, as the REST API wants it. */
  maximumBytesBilled: string;
}

export interface JobRequest {
  /** Absent for dry runs, which create no job. */
  jobId?: string;
  location: string;
  configuration: { query: QueryJobConfiguration; labels: Record<string, string>; dryRun?: boolean };
}

export interface JobErrorProto {
  reason?: string;
  message?: string;
  location?: string;
}

export interface SchemaField {
  name?: string;
  type?: string;
  mode?: string;
  fields?: SchemaField[];
}

export interface JobMetadata {
  id?: string;
  jobReference?: { jobId?: string; location?: string };
  status?: { state?: string; errorResult?: JobErrorProto | null; errors?: JobErrorProto[] | null };
  statistics?: {
    startTime?: string;
    endTime?: string;
    totalSlotMs?: string;
    query?: {
      totalBytesProcessed?: string;
      totalBytesBilled?: string;
      numDmlAffectedRows?: string;
      schema?: { fields?: SchemaField[] };
    };
  };
}

export interface RawCell {
  v?: unknown;
}

export interface RawRow {
  f?: RawCell[];
}

export interface QueryResultsPage {
  jobComplete?: boolean;
  schema?: { fields?: SchemaField[] };
  rows?: RawRow[];
  pageToken?: string;
  totalRows?: string;
}

export interface QueryResultsRequest {
  maxResults: number;
  pageToken?: string;
  autoPaginate: false;
  /** Rows stay in the REST f/v form; this adapter decodes them itself (see decodeValue). */
  skipParsing: true;
}

export interface BigQueryJobHandle {
  getMetadata(): Promise<[JobMetadata, ...unknown[]]>;
  getQueryResults(
    request: QueryResultsRequest,
  ): Promise<[unknown, unknown?, QueryResultsPage?, ...unknown[]]>;
}

export interface BigQueryClient {
  createJob(request: JobRequest): Promise<[BigQueryJobHandle, ...unknown[]]>;
  job(id: string, options: { location: string }): BigQueryJobHandle;
}

// ---------------------------------------------------------------------------------------------------------------

export interface BigQueryWarehouseSettings {
  projectId: string;
  /** Where jobs run; the datasets and the extracts bucket live there too (e.g. "US", "EU", "europe-west1"). */
  location: string;
  /** Prepended to every logical dataset name (raw → <prefix>raw), for several environments in one project. */
  datasetPrefix?: string;
  /** Ceiling on bytes billed per job: a runaway query fails instead of billing. */
  maximumBytesBilled: number;
  /** Rows per results page when streaming. */
  pageSize?: number;
  /** Extra labels on every job (e.g. env=prod). */
  labels?: Record<string, string>;
}

/** What a run tells the warehouse so its jobs are labelled and their ids are stable across redeliveries. */
export interface RunContext {
  runDate: string;
  step: string;
  runId: string;
  /** The ledger's attempt number: a label only (a redelivery increments it, so it cannot be part of the id). */
  attempt?: number;
}

export interface BigQueryStats extends WarehouseStats {
  /** Slot time across jobs (what BigQuery bills on reservations). */
  slotMs: number;
  bytesProcessed: number;
  bytesBilled: number;
  /** Jobs found already run by an earlier delivery and re-attached instead of run again. */
  reattached: number;
}

export interface ExtractExport {
  /** The EXPORT DATA uri, with its one wildcard. */
  uri: string;
  columns: TableColumn[];
  /** The CSV header line (no line break): shards are written without one, see exportExtract. */
  header: string;
}

/** The logical datasets of pipeline.json; only these are renamed when a prefix is set. */
const LOGICAL_DATASETS = ["raw", "staging", "unified", "marts", "ops"] as const;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_MAX_ROWS = 50_000;
const DEFAULT_PAGE_SIZE = 10_000;
/** Far below the 10 MB request limit, so a load that fits here never fails on size at the API. */
const MAX_LOAD_REQUEST_BYTES = 8 * 1024 * 1024;
/** Bound on how many times one job is re-run after an earlier delivery's try of it failed. */
const MAX_JOB_TRIES = 20;
const MAX_CLUSTER_COLUMNS = 4;

/** Same convention as the DuckDB adapter (not imported: that would load DuckDB's native module in the cloud). */
export function isDateParamName(name: string): boolean {
  return name.endsWith("_date") || name === "window_start" || name === "window_end";
}

export class BigQueryWarehouseError extends Error {
  override name = "BigQueryWarehouseError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    /** Read by isTransient (shared/step.ts): a retry could succeed. */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid BigQuery identifier "${name}"`);
  return `\`${name}\``;
}

/** BigQuery label rules: lowercase letters, digits, _ and -, at most 63 characters. */
export function labelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .slice(0, 63);
}

function slug(text: string, max: number): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, max) || "query"
  );
}

/** Binds only what the statement mentions, so one parameter set can serve many models (and ids stay stable). */
function usedParams(sql: string, params: SqlParams): SqlParams {
  const used: SqlParams = {};
  for (const [name, value] of Object.entries(params)) {
    if (new RegExp(`@${name}\\b`).test(sql)) used[name] = value;
  }
  return used;
}

export function queryParameter(name: string, value: SqlValue): QueryParameter {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid query parameter name "${name}"`);
  const typed = (type: string, parameterValue: QueryParameterValue): QueryParameter => ({
    name,
    parameterType: { type },
    parameterValue,
  });
  // A NULL still needs a type; DATE names keep theirs, anything else is a STRING NULL.
  if (value === null) return typed(isDateParamName(name) ? "DATE" : "STRING", {});
  if (value instanceof Uint8Array) return typed("BYTES", { value: Buffer.from(value).toString("base64") });
  if (typeof value === "boolean") return typed("BOOL", { value: String(value) });
  if (typeof value === "number") {
    return typed(Number.isInteger(value) ? "INT64" : "FLOAT64", { value: String(value) });
  }
  if (isDateParamName(name)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new Error(`parameter @${name} must be a date as YYYY-MM-DD, got "${value}"`);
    }
    return typed("DATE", { value });
  }
  return typed("STRING", { value });
}

/**
 * Renames the logical datasets (raw., staging., …) of a statement to their physical names. Only runs when a
 * prefix is configured; string literals and comments are left alone. The models never alias a table with a
 * dataset's name, which is what makes this safe.
 */
export function renameDatasets(sql: string, rename: (dataset: string) => string): string {
  let out = "";
  let index = 0;
  const names = new Set<string>(LOGICAL_DATASETS);
  while (index < sql.length) {
    const rest = sql.slice(index);
    const skipped =
      /^'(?:[^'\\]|\\.)*'/.exec(rest) ??
      /^"(?:[^"\\]|\\.)*"/.exec(rest) ??
      /^(?:--|#)[^\n]*/.exec(rest) ??
      /^\/\*[\s\S]*?\*\//.exec(rest);
    if (skipped) {
      out += skipped[0];
      index += skipped[0].length;
      continue;
    }
    const word = /^(`?)([A-Za-z_][A-Za-z0-9_]*)(?=\.)/.exec(rest);
    const before = sql[index - 1] ?? "";
    if (word && !/[\w.@`]/.test(before)) {
      const [whole, tick = "", name = ""] = word;
      out += tick + (names.has(name) ? rename(name) : name);
      index += whole.length;
      continue;
    }
    const identifier = /^[A-Za-z0-9_]+/.exec(rest);
    const step = identifier ? identifier[0] : (rest[0] ?? "");
    out += step;
    index += step.length;
  }
  return out;
}

/** The model's SELECT without a trailing semicolon, so that it can be wrapped. */
function bareSelect(sql: string): string {
  return sql.replace(/;\s*$/, "").trimEnd();
}

function numberOf(value: string | undefined): number {
  const parsed = Number(value ?? 0);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** REST f/v cells to the port's plain values (see Row in ports.ts). */
export function decodeValue(value: unknown, field: SchemaField): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === "REPEATED") {
    const items = Array.isArray(value) ? (value as RawCell[]) : [];
    return items.map((item) => decodeValue(item?.v, { ...field, mode: "NULLABLE" }));
  }
  const type = (field.type ?? "STRING").toUpperCase();
  if (type === "RECORD" || type === "STRUCT") {
    const cells = (value as RawRow).f ?? [];
    const record: Row = {};
    (field.fields ?? []).forEach((child, index) => {
      record[child.name ?? `f${index}`] = decodeValue(cells[index]?.v, child);
    });
    return record;
  }
  const text = String(value);
  switch (type) {
    case "INTEGER":
    case "INT64":
    case "FLOAT":
    case "FLOAT64":
    case "NUMERIC":
    case "BIGNUMERIC":
      return Number(text);
    case "BOOLEAN":
    case "BOOL":
      return text === "true";
    case "TIMESTAMP":
      // Integer microseconds (formatOptions.useInt64Timestamp, the client's default) or float seconds.
      return new Date(
        /^-?\d+$/.test(text) ? Number(BigInt(text) / 1000n) : Number(text) * 1000,
      ).toISOString();
    case "JSON":
      return JSON.parse(text);
    case "BYTES":
      return Buffer.from(text, "base64");
    default:
      return text;
  }
}

function decodeRows(page: QueryResultsPage): { columns: TableColumn[]; rows: Row[] } {
  const fields = page.schema?.fields ?? [];
  const columns = fields.map((field) => ({ name: field.name ?? "", type: field.type ?? "STRING" }));
  const rows = (page.rows ?? []).map((row) => {
    const decoded: Row = {};
    fields.forEach((field, index) => {
      decoded[field.name ?? `f${index}`] = decodeValue(row.f?.[index]?.v, field);
    });
    return decoded;
  });
  return { columns, rows };
}

interface ApiErrorShape {
  code?: unknown;
  message?: unknown;
  errors?: JobErrorProto[];
  response?: { status?: unknown };
}

function errorStatus(error: unknown): number | undefined {
  const candidate = error as ApiErrorShape | undefined;
  if (typeof candidate?.code === "number") return candidate.code;
  return typeof candidate?.response?.status === "number" ? candidate.response.status : undefined;
}

function isAlreadyExists(error: unknown): boolean {
  return (
    errorStatus(error) === 409 || (error as ApiErrorShape | undefined)?.errors?.[0]?.reason === "duplicate"
  );
}

const TRANSIENT_REASONS = new Set([
  "backendError",
  "internalError",
  "rateLimitExceeded",
  "jobRateLimitExceeded",
  "jobBackendError",
  "jobInternalError",
]);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

const REASON_STATUS: Record<string, number> = {
  accessDenied: 403,
  notFound: 404,
  invalid: 400,
  invalidQuery: 400,
  bytesBilledLimitExceeded: 400,
};

interface ErrorContext {
  projectId: string;
  dataset?: string;
  what: string;
  jobId?: string;
  maximumBytesBilled: number;
}

/** The role that most likely fixes an "Access Denied", from the permission BigQuery names in its message. */
function missingRole(message: string, context: ErrorContext): string {
  if (/bigquery\.jobs\.create/.test(message)) {
    return `roles/bigquery.jobUser on project ${context.projectId}`;
  }
  if (/storage\.objects/.test(message)) return "roles/storage.objectAdmin on the extracts bucket";
  const where = context.dataset ? `dataset ${context.dataset}` : "the dataset it names";
  if (/tables\.(create|update|updateData|delete)|datasets\.update/.test(message)) {
    return `roles/bigquery.dataEditor on ${where}`;
  }
  return `roles/bigquery.dataViewer (reads) or roles/bigquery.dataEditor (writes) on ${where}`;
}

/** One clear message per failure: what ran, where, why, and what to do about it. */
export function explainBigQueryError(error: unknown, context: ErrorContext): BigQueryWarehouseError {
  if (error instanceof BigQueryWarehouseError) return error;
  const api = error as ApiErrorShape | JobErrorProto | undefined;
  const first = (api as ApiErrorShape | undefined)?.errors?.[0];
  const reason = (api as JobErrorProto | undefined)?.reason ?? first?.reason;
  const rawMessage = String((api as { message?: unknown } | undefined)?.message ?? first?.message ?? error);
  const status = errorStatus(error) ?? (reason ? REASON_STATUS[reason] : undefined);
  const transient =
    (reason !== undefined && TRANSIENT_REASONS.has(reason)) ||
    (status !== undefined && TRANSIENT_STATUS.has(status));
  const job = context.jobId ? ` (job ${context.jobId})` : "";
  let message: string;
  if (reason === "accessDenied" || status === 403) {
    message =
      `BigQuery denied access for ${context.what} in project ${context.projectId}` +
      `${context.dataset ? `, dataset ${context.dataset}` : ""}${job}: ${rawMessage}. ` +
      `The function's service account needs ${missingRole(rawMessage, context)}.`;
  } else if (reason === "bytesBilledLimitExceeded") {
    message =
      `${context.what} would bill more than the ${context.maximumBytesBilled} bytes allowed per job${job}: ` +
      `${rawMessage}. Check that it prunes partitions (estimateBytes gives its cost), or raise PULSE_MAX_BYTES_BILLED.`;
  } else if (reason === "notFound" || status === 404) {
    message = `${context.what} failed in project ${context.projectId}${job}: ${rawMessage} (does the dataset or table exist in this location?)`;
  } else {
    message = `${context.what} failed on BigQuery${job}: ${rawMessage}`;
  }
  return new BigQueryWarehouseError(message, status, reason, transient, { cause: error });
}

interface Shared {
  stats: BigQueryStats;
}

interface JobSpec {
  kind: string;
  label: string;
  sql: string;
  parameters: QueryParameter[];
  /** Logical dataset, for the default dataset and error messages. */
  dataset?: string;
}

/** A type guard for the export step: only the BigQuery warehouse can export an extract server-side. */
export function canExportExtracts(warehouse: Warehouse): warehouse is BigQueryWarehouse {
  return warehouse instanceof BigQueryWarehouse;
}

/** Scopes any warehouse to a run: the BigQuery one labels its jobs and derives their ids; others are unchanged. */
export function warehouseForRun(warehouse: Warehouse, run: RunContext): Warehouse {
  return warehouse instanceof BigQueryWarehouse ? warehouse.forRun(run) : warehouse;
}

export class BigQueryWarehouse implements Warehouse {
  readonly kind = "bigquery" as const;
  private readonly shared: Shared;
  /** How many times each (label, statement) was issued by this scoped adapter: the n-th gets the n-th id. */
  private readonly occurrences = new Map<string, number>();

  constructor(
    private readonly client: BigQueryClient,
    private readonly settings: BigQueryWarehouseSettings,
    private readonly run?: RunContext,
    shared?: Shared,
  ) {
    if (!(settings.maximumBytesBilled > 0)) throw new Error("maximumBytesBilled must be a positive number");
    this.shared = shared ?? {
      stats: { queries: 0, engineMs: 0, slotMs: 0, bytesProcessed: 0, bytesBilled: 0, reattached: 0 },
    };
  }

  /**
   * The same warehouse for one step of one run: its jobs carry the run's labels and deterministic ids. Create
   * one per step execution (the occurrence counts restart with it, exactly as a redelivery replays the step).
   */
  forRun(run: RunContext): BigQueryWarehouse {
    return new BigQueryWarehouse(this.client, this.settings, run, this.shared);
  }

  /** Physical dataset name of a logical one. */
  datasetName(dataset: string): string {
    return `${this.settings.datasetPrefix ?? ""}${dataset}`;
  }

  private tableRef(dataset: string, table: string): string {
    const physical = this.datasetName(dataset);
    if (!IDENTIFIER.test(physical) || !IDENTIFIER.test(table)) {
      throw new Error(`invalid table name ${dataset}.${table}`);
    }
    return `\`${this.settings.projectId}.${physical}.${table}\``;
  }

  private datasetRef(dataset: string): string {
    const physical = this.datasetName(dataset);
    if (!IDENTIFIER.test(physical)) throw new Error(`invalid dataset name ${dataset}`);
    return `\`${this.settings.projectId}.${physical}\``;
  }

  private sqlFor(sql: string): string {
    return this.settings.datasetPrefix ? renameDatasets(sql, (name) => this.datasetName(name)) : sql;
  }

  private labels(kind: string, label: string): Record<string, string> {
    const labels: Record<string, string> = { app: "dtc-pulse", kind: labelValue(kind) };
    for (const [key, value] of Object.entries(this.settings.labels ?? {})) {
      labels[labelValue(key)] = labelValue(value);
    }
    labels.label = labelValue(label);
    if (this.run) {
      labels.run_date = labelValue(this.run.runDate);
      labels.step = labelValue(this.run.step);
      labels.run_id = labelValue(this.run.runId);
      if (this.run.attempt !== undefined) labels.attempt = String(this.run.attempt);
    }
    return labels;
  }

  private configuration(spec: JobSpec): QueryJobConfiguration {
    return {
      query: spec.sql,
      useLegacySql: false,
      parameterMode: "NAMED",
      queryParameters: spec.parameters,
      // Unqualified names resolve in the job's own project; the default dataset is the one the job writes, or
      // ops (which always exists) for reads.
      defaultDataset: {
        projectId: this.settings.projectId,
        datasetId: this.datasetName(spec.dataset ?? "ops"),
      },
      maximumBytesBilled: String(Math.floor(this.settings.maximumBytesBilled)),
    };
  }

  /**
   * pulse_<run date>_<step>_<label>_<hash>_<try>. The hash covers the run id, the statement, its parameters and
   * how many times this scoped adapter already issued the same statement: a redelivery of the same message
   * (same run id) replays the same sequence of ids, while a new run (new run id) never collides with an old one.
   */
  private jobIdBase(spec: JobSpec): string | undefined {
    if (!this.run) return undefined;
    const statement = createHash("sha256")
      .update(`${spec.kind}\u0000${spec.label}\u0000${spec.sql}\u0000${JSON.stringify(spec.parameters)}`)
      .digest("hex");
    const occurrence = (this.occurrences.get(statement) ?? 0) + 1;
    this.occurrences.set(statement, occurrence);
    const hash = createHash("sha256")
      .update(`${this.run.runId}\u0000${statement}\u0000${occurrence}`)
      .digest("hex")
      .slice(0, 16);
    return [
      "pulse",
      this.run.runDate.replaceAll("-", ""),
      slug(this.run.step, 20),
      slug(spec.label, 40),
      hash,
    ].join("_");
  }

  private context(spec: JobSpec, jobId?: string): ErrorContext {
    return {
      projectId: this.settings.projectId,
      dataset: spec.dataset ? this.datasetName(spec.dataset) : undefined,
      what: `${spec.kind} "${spec.label}"`,
      jobId,
      maximumBytesBilled: this.settings.maximumBytesBilled,
    };
  }

  /** Waits for a job: getQueryResults long-polls on the server (about 10 s a call), so this is not a busy loop. */
  private async waitFor(job: BigQueryJobHandle): Promise<JobMetadata> {
    try {
      for (;;) {
        const [, , page] = await job.getQueryResults({
          maxResults: 0,
          autoPaginate: false,
          skipParsing: true,
        });
        if (page?.jobComplete !== false) break;
      }
    } catch (error) {
      // A failed job answers getQueryResults with its error; its metadata says the same, with the reason.
      const [metadata] = await job.getMetadata();
      if (metadata.status?.state === "DONE" && metadata.status.errorResult) return metadata;
      throw error;
    }
    const [metadata] = await job.getMetadata();
    return metadata;
  }

  private record(metadata: JobMetadata, reattached: boolean): void {
    const stats = metadata.statistics;
    const shared = this.shared.stats;
    shared.queries += 1;
    if (reattached) shared.reattached += 1;
    if (stats?.startTime && stats.endTime)
      shared.engineMs += numberOf(stats.endTime) - numberOf(stats.startTime);
    shared.slotMs += numberOf(stats?.totalSlotMs);
    shared.bytesProcessed += numberOf(stats?.query?.totalBytesProcessed);
    shared.bytesBilled += numberOf(stats?.query?.totalBytesBilled);
  }

  /**
   * Runs one job to completion. With a run context the id is deterministic: "already exists" means an earlier
   * delivery created it, so we attach and wait; if that earlier try failed, the next try number runs it again.
   */
  private async runJob(spec: JobSpec): Promise<{ job: BigQueryJobHandle; metadata: JobMetadata }> {
    const base = this.jobIdBase(spec);
    const configuration = { query: this.configuration(spec), labels: this.labels(spec.kind, spec.label) };
    for (let attempt = 1; attempt <= MAX_JOB_TRIES; attempt += 1) {
      const jobId = base ? `${base}_${attempt}` : `pulse_adhoc_${randomUUID().replaceAll("-", "")}`;
      let job: BigQueryJobHandle;
      let reattached = false;
      try {
        [job] = await this.client.createJob({ jobId, location: this.settings.location, configuration });
      } catch (error) {
        if (!base || !isAlreadyExists(error)) throw explainBigQueryError(error, this.context(spec, jobId));
        job = this.client.job(jobId, { location: this.settings.location });
        reattached = true;
      }
      let metadata: JobMetadata;
      try {
        metadata = await this.waitFor(job);
      } catch (error) {
        throw explainBigQueryError(error, this.context(spec, jobId));
      }
      const failure = metadata.status?.errorResult;
      if (failure) {
        if (reattached) continue;
        throw explainBigQueryError(failure, this.context(spec, jobId));
      }
      this.record(metadata, reattached);
      return { job, metadata };
    }
    throw new BigQueryWarehouseError(
      `${spec.kind} "${spec.label}" failed on ${MAX_JOB_TRIES} earlier tries; giving up`,
      undefined,
      undefined,
      false,
    );
  }

  private async *pages(job: BigQueryJobHandle, pageSize: number): AsyncGenerator<QueryResultsPage> {
    let pageToken: string | undefined;
    do {
      const [, , page] = await job.getQueryResults({
        maxResults: pageSize,
        pageToken,
        autoPaginate: false,
        skipParsing: true,
      });
      if (!page) return;
      yield page;
      pageToken = page.pageToken;
    } while (pageToken);
  }

  private spec(
    kind: string,
    sql: string,
    params: SqlParams,
    label: string | undefined,
    dataset?: string,
  ): JobSpec {
    const physicalSql = this.sqlFor(sql);
    const parameters = Object.entries(usedParams(physicalSql, params)).map(([name, value]) =>
      queryParameter(name, value),
    );
    return { kind, label: label ?? kind, sql: physicalSql, parameters, dataset };
  }

  async query<T extends object = Row>(
    sql: string,
    params: SqlParams = {},
    options: QueryOptions = {},
  ): Promise<T[]> {
    const spec = this.spec("query", sql, params, options.label);
    const { job } = await this.runJob(spec);
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const rows: Row[] = [];
    for await (const page of this.pages(job, this.settings.pageSize ?? DEFAULT_PAGE_SIZE)) {
      const total = numberOf(page.totalRows);
      if (total > maxRows || rows.length + (page.rows?.length ?? 0) > maxRows) {
        throw new BigQueryWarehouseError(
          `query ${spec.label} returned ${Math.max(total, rows.length)} rows, over its limit of ${maxRows}: aggregate in SQL or stream it`,
          undefined,
          undefined,
          false,
        );
      }
      rows.push(...decodeRows(page).rows);
    }
    return rows as T[];
  }

  async execute(sql: string, params: SqlParams = {}, options: QueryOptions = {}): Promise<void> {
    await this.runJob(this.spec("execute", sql, params, options.label));
  }

  /** Pages through the results (pageSize rows a request): never the whole result in memory. */
  async *stream(sql: string, params: SqlParams = {}, options: QueryOptions = {}): AsyncIterable<StreamBatch> {
    const { job } = await this.runJob(this.spec("stream", sql, params, options.label));
    for await (const page of this.pages(job, this.settings.pageSize ?? DEFAULT_PAGE_SIZE)) {
      const batch = decodeRows(page);
      if (batch.rows.length > 0) yield batch;
    }
  }

  private async dryRun(spec: JobSpec): Promise<JobMetadata> {
    try {
      const [job, response] = await this.client.createJob({
        location: this.settings.location,
        configuration: {
          query: this.configuration(spec),
          labels: this.labels(spec.kind, spec.label),
          dryRun: true,
        },
      });
      // The client returns the dry run's job resource as its second element; fall back to asking the handle.
      const metadata = (response as JobMetadata | undefined) ?? (await job.getMetadata())[0];
      return metadata;
    } catch (error) {
      throw explainBigQueryError(error, this.context(spec));
    }
  }

  /** Bytes a query would process, from a dry run (free, creates no job). */
  async estimateBytes(sql: string, params: SqlParams = {}, options: QueryOptions = {}): Promise<number> {
    const metadata = await this.dryRun(this.spec("estimate", sql, params, options.label));
    return numberOf(metadata.statistics?.query?.totalBytesProcessed);
  }

  private async tableExists(dataset: string, table: string): Promise<boolean> {
    const spec: JobSpec = {
      kind: "metadata",
      label: `exists ${dataset}.${table}`,
      sql: `SELECT COUNT(*) AS n FROM ${this.datasetRef(dataset)}.INFORMATION_SCHEMA.TABLES WHERE table_name = @table_name`,
      parameters: [queryParameter("table_name", table)],
      dataset,
    };
    try {
      const { job } = await this.runJob(spec);
      const [, , page] = await job.getQueryResults({ maxResults: 1, autoPaginate: false, skipParsing: true });
      return numberOf(String(page?.rows?.[0]?.f?.[0]?.v ?? 0)) > 0;
    } catch (error) {
      if (error instanceof BigQueryWarehouseError && error.status === 404) return false;
      throw error;
    }
  }

  private async firstNumber(job: BigQueryJobHandle): Promise<number> {
    const [, , page] = await job.getQueryResults({ maxResults: 1, autoPaginate: false, skipParsing: true });
    return numberOf(String(page?.rows?.[0]?.f?.[0]?.v ?? 0));
  }

  /**
   * Full build: CREATE OR REPLACE TABLE … PARTITION BY … CLUSTER BY … AS SELECT (atomic; the old table serves
   * readers until the new one replaces it). Incremental: one multi-statement job, DELETE the window's partitions
   * and INSERT the model's rows for them inside a transaction — a DELETE filtered on the partition column only
   * drops whole partitions (pruned, no scan), the INSERT pays for the window only, and readers see the old
   * window or the new one, never a mix. MERGE would need a unique key per model; partition decorators would
   * need one job per day and leave the window half-replaced if one failed.
   */
  async materialize(request: MaterializeRequest): Promise<MaterializeResult> {
    const target = this.tableRef(request.dataset, request.table);
    const label = request.label ?? `${request.dataset}.${request.table}`;
    const select = bareSelect(request.sql);
    const clusterBy = request.clusterBy ?? [];
    if (clusterBy.length > MAX_CLUSTER_COLUMNS) {
      throw new Error(`model ${label}: BigQuery clusters on at most ${MAX_CLUSTER_COLUMNS} columns`);
    }
    const incremental =
      request.window !== undefined &&
      (request.partitionColumn !== undefined || request.uniqueKey !== undefined) &&
      (await this.tableExists(request.dataset, request.table));

    if (incremental && request.window && request.uniqueKey && !request.partitionColumn) {
      return this.mergeByKey(request, target, select, label, request.uniqueKey);
    }
    if (!incremental || !request.window || !request.partitionColumn) {
      const partition = request.partitionColumn
        ? `\nPARTITION BY ${quoteIdentifier(request.partitionColumn)}`
        : "";
      const cluster = clusterBy.length ? `\nCLUSTER BY ${clusterBy.map(quoteIdentifier).join(", ")}` : "";
      const sql =
        `CREATE OR REPLACE TABLE ${target}${partition}${cluster} AS\nSELECT * FROM (\n${select}\n);\n` +
        // COUNT(*) of a whole table is answered from metadata: no bytes billed.
        `SELECT COUNT(*) AS rows_written FROM ${target};`;
      const { job } = await this.runJob(
        this.spec("materialize", sql, request.params, label, request.dataset),
      );
      return { rowsWritten: await this.firstNumber(job), mode: "full" };
    }

    const partition = quoteIdentifier(request.partitionColumn);
    const params: SqlParams = {
      ...request.params,
      window_start: request.window.start,
      window_end: request.window.end,
    };
    // INSERT maps columns by position; naming them (from a free dry run of the model) maps them by name, as
    // DuckDB's INSERT … BY NAME does, so a reordered model cannot shift values into the wrong columns.
    const schema = await this.dryRun(this.spec("schema", select, params, label, request.dataset));
    const columns = (schema.statistics?.query?.schema?.fields ?? []).map((field) =>
      quoteIdentifier(field.name ?? ""),
    );
    if (columns.length === 0) throw new Error(`model ${label}: the dry run returned no columns`);
    const list = columns.join(", ");
    const sql = [
      "DECLARE rows_written INT64 DEFAULT 0;",
      "BEGIN TRANSACTION;",
      `DELETE FROM ${target} WHERE ${partition} BETWEEN @window_start AND @window_end;`,
      `INSERT INTO ${target} (${list})\nSELECT ${list} FROM (\n${select}\n) AS model\nWHERE ${partition} BETWEEN @window_start AND @window_end;`,
      "SET rows_written = @@row_count;",
      "COMMIT TRANSACTION;",
      "SELECT rows_written;",
    ].join("\n");
    const { job } = await this.runJob(this.spec("materialize", sql, params, label, request.dataset));
    return { rowsWritten: await this.firstNumber(job), mode: "incremental" };
  }

  /** The changed records replace the rows with the same key, in one transaction (one job, one id). */
  private async mergeByKey(
    request: MaterializeRequest,
    target: string,
    select: string,
    label: string,
    uniqueKey: string,
  ): Promise<MaterializeResult> {
    const params: SqlParams = {
      ...request.params,
      window_start: request.window?.start ?? "",
      window_end: request.window?.end ?? "",
    };
    const schema = await this.dryRun(this.spec("schema", select, params, label, request.dataset));
    const list = (schema.statistics?.query?.schema?.fields ?? [])
      .map((field) => quoteIdentifier(field.name ?? ""))
      .join(", ");
    if (!list) throw new Error(`model ${label}: the dry run returned no columns`);
    const key = quoteIdentifier(uniqueKey);
    const sql = [
      "DECLARE rows_written INT64 DEFAULT 0;",
      `CREATE TEMP TABLE changed AS SELECT * FROM (\n${select}\n);`,
      "BEGIN TRANSACTION;",
      `DELETE FROM ${target} WHERE ${key} IN (SELECT ${key} FROM changed);`,
      `INSERT INTO ${target} (${list}) SELECT ${list} FROM changed;`,
      "SET rows_written = @@row_count;",
      "COMMIT TRANSACTION;",
      "SELECT rows_written;",
    ].join("\n");
    const { job } = await this.runJob(this.spec("materialize", sql, params, label, request.dataset));
    return { rowsWritten: await this.firstNumber(job), mode: "incremental" };
  }

  /**
   * Small row sets (findings, parsed file drops) go in as ONE array-of-STRUCT query parameter, in a script that
   * creates the table if needed and replaces the partition's rows in a transaction. A load job would be free, but
   * needs a file upload plus a separate DELETE job (not atomic, and two things to retry); this is one job with a
   * deterministic id, so a retried load cannot insert twice.
   */
  async load(request: LoadRequest): Promise<{ rowsWritten: number }> {
    const target = this.tableRef(request.dataset, request.table);
    const label = `load ${request.dataset}.${request.table}`;
    const columns = request.columns;
    const names = columns.map((column) => quoteIdentifier(column.name));
    const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${column.type}`);
    const replace = request.replaceWhere;
    const replaceType = replace ? columns.find((column) => column.name === replace.column)?.type : undefined;
    if (replace && !replaceType) {
      throw new Error(`load into ${target}: replaceWhere column ${replace.column} is not among the columns`);
    }
    // JSON travels as STRING (PARSE_JSON on the way in): a STRUCT field of type JSON is not a parameter type.
    const selectList = columns
      .map((column) =>
        column.type === "JSON"
          ? `PARSE_JSON(${quoteIdentifier(column.name)}) AS ${quoteIdentifier(column.name)}`
          : quoteIdentifier(column.name),
      )
      .join(", ");
    const partitionBy =
      replace && replaceType === "DATE" ? ` PARTITION BY ${quoteIdentifier(replace.column)}` : "";
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${target} (${definitions.join(", ")})${partitionBy};`,
      "BEGIN TRANSACTION;",
      ...(replace
        ? [`DELETE FROM ${target} WHERE ${quoteIdentifier(replace.column)} = @replace_value;`]
        : []),
      `INSERT INTO ${target} (${names.join(", ")}) SELECT ${selectList} FROM UNNEST(@rows);`,
      "COMMIT TRANSACTION;",
    ];
    const parameters: QueryParameter[] = [rowsParameter(columns, request.rows)];
    if (replace && replaceType) {
      parameters.push({
        name: "replace_value",
        parameterType: { type: parameterTypeOf(replaceType) },
        parameterValue: loadValue(replace.value, replaceType),
      });
    }
    const size = JSON.stringify(parameters).length;
    if (size > MAX_LOAD_REQUEST_BYTES) {
      throw new Error(
        `load into ${target}: ${request.rows.length} rows (${size} bytes) are too many for one query; land them as a file and load it instead`,
      );
    }
    await this.runJob({
      kind: "load",
      label,
      sql: statements.join("\n"),
      parameters,
      dataset: request.dataset,
    });
    return { rowsWritten: request.rows.length };
  }

  /** Tables with their columns (INFORMATION_SCHEMA.COLUMNS) and row counts (__TABLES__, metadata only). */
  async listTables(dataset: string): Promise<TableInfo[]> {
    const ref = this.datasetRef(dataset);
    let columnRows: Row[];
    let countRows: Row[];
    try {
      columnRows = await this.runRows({
        kind: "metadata",
        label: `columns ${dataset}`,
        sql: `SELECT table_name, column_name, data_type FROM ${ref}.INFORMATION_SCHEMA.COLUMNS ORDER BY table_name, ordinal_position`,
        parameters: [],
        dataset,
      });
      countRows = await this.runRows({
        kind: "metadata",
        label: `row counts ${dataset}`,
        sql: `SELECT table_id, row_count FROM ${ref}.__TABLES__`,
        parameters: [],
        dataset,
      });
    } catch (error) {
      // Like DuckDB with a schema that does not exist yet: an empty inventory, which the checks report.
      if (error instanceof BigQueryWarehouseError && error.status === 404) return [];
      throw error;
    }
    const counts = new Map(countRows.map((row) => [String(row.table_id), Number(row.row_count ?? 0)]));
    const tables = new Map<string, TableInfo>();
    for (const row of columnRows) {
      const name = String(row.table_name);
      const info = tables.get(name) ?? { dataset, name, columns: [], rowCount: counts.get(name) ?? 0 };
      info.columns.push({ name: String(row.column_name), type: String(row.data_type) });
      tables.set(name, info);
    }
    return [...tables.values()];
  }

  private async runRows(spec: JobSpec): Promise<Row[]> {
    const { job } = await this.runJob(spec);
    const rows: Row[] = [];
    for await (const page of this.pages(job, this.settings.pageSize ?? DEFAULT_PAGE_SIZE)) {
      rows.push(...decodeRows(page).rows);
    }
    return rows;
  }

  /**
   * Exports a query's rows as CSV shards under gcsUriPrefix (gs://bucket/…/run=<run id>/, one prefix per run:
   * overwrite=true replaces same-named shards but leaves a longer earlier run's extra ones behind). Shards are
   * written WITHOUT a header: each shard would get its own, and composing them would repeat it mid-file. The
   * header comes back instead (from a free dry run's schema), for the bucket to put first when it composes
   * (GcsBucket.publishExtract). An ORDER BY in the query is kept across shards in name order.
   */
  async exportExtract(
    sql: string,
    params: SqlParams,
    gcsUriPrefix: string,
    options: QueryOptions = {},
  ): Promise<ExtractExport> {
    if (!/^gs:\/\/[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]\/([^'\\*?\s]+\/)?$/.test(gcsUriPrefix)) {
      throw new Error(`export prefix must look like gs://bucket/path/ (ending in /), got "${gcsUriPrefix}"`);
    }
    const label = options.label ?? "extract";
    const select = bareSelect(sql);
    const schema = await this.dryRun(this.spec("schema", select, params, label));
    const columns = (schema.statistics?.query?.schema?.fields ?? []).map((field) => ({
      name: field.name ?? "",
      type: field.type ?? "STRING",
    }));
    const uri = `${gcsUriPrefix}part-*.csv`;
    const statement =
      `EXPORT DATA OPTIONS (uri = '${uri}', format = 'CSV', header = false, overwrite = true, field_delimiter = ',') AS\n` +
      select;
    await this.runJob(this.spec("export", statement, params, label, "marts"));
    return { uri, columns, header: columns.map((column) => csvHeaderCell(column.name)).join(",") };
  }

  stats(): BigQueryStats {
    return { ...this.shared.stats };
  }

  async close(): Promise<void> {
    // The client holds no connection of its own to close (requests are plain HTTPS).
  }
}

function csvHeaderCell(name: string): string {
  return /[",\r\n]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name;
}

function parameterTypeOf(type: LoadColumn["type"]): string {
  return type === "JSON" ? "STRING" : type;
}

function loadValue(value: unknown, type: LoadColumn["type"]): QueryParameterValue {
  if (value === null || value === undefined) return {};
  if (type === "JSON") return { value: typeof value === "string" ? value : JSON.stringify(value) };
  if (value instanceof Date)
    return { value: type === "DATE" ? value.toISOString().slice(0, 10) : value.toISOString() };
  if (value instanceof Uint8Array) return { value: Buffer.from(value).toString("base64") };
  if (typeof value === "object") return { value: JSON.stringify(value) };
  return { value: String(value) };
}

function rowsParameter(columns: readonly LoadColumn[], rows: readonly Row[]): QueryParameter {
  return {
    name: "rows",
    parameterType: {
      type: "ARRAY",
      arrayType: {
        type: "STRUCT",
        structTypes: columns.map((column) => ({
          name: column.name,
          type: { type: parameterTypeOf(column.type) },
        })),
      },
    },
    parameterValue: {
      arrayValues: rows.map((row) => ({
        structValues: Object.fromEntries(
          columns.map((column) => [column.name, loadValue(row[column.name], column.type)]),
        ),
      })),
    },
  };
}
