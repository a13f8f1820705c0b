// Running BigQuery jobs. Every request names its parameters and types, carries labels and a bytes-billed ceiling,
// and — inside a run — a deterministic job id, so a retried step re-attaches to the jobs its earlier delivery
// already ran instead of running (and paying for) them twice.
import { createHash, randomUUID } from "node:crypto";
import type { Row, RunScope, SqlParams, WarehouseStats } from "../../../shared/ports.ts";
import type {
  BigQueryClient,
  BigQueryJobHandle,
  JobMetadata,
  QueryJobConfiguration,
  QueryParameter,
  QueryResultsPage,
} from "./client.ts";
import {
  BigQueryWarehouseError,
  type ErrorContext,
  explainBigQueryError,
  isAlreadyExists,
} from "./errors.ts";
import { IDENTIFIER, renameDatasets } from "./names.ts";
import { queryParameter, usedParams } from "./params.ts";
import { decodeRows, numberOf } from "./rows.ts";

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

export interface BigQueryStats extends WarehouseStats {
  /** Slot time across jobs (what BigQuery bills on reservations). */
  slotMs: number;
  bytesProcessed: number;
  bytesBilled: number;
  /** Jobs found already run by an earlier delivery and re-attached instead of run again. */
  reattached: number;
}

/** One statement to run as one job. */
export interface JobSpec {
  kind: string;
  label: string;
  sql: string;
  parameters: QueryParameter[];
  /** Logical dataset, for the default dataset and error messages. */
  dataset?: string;
}

export const DEFAULT_PAGE_SIZE = 10_000;
/** Bound on how many times one job is re-run after an earlier delivery's try of it failed. */
const MAX_JOB_TRIES = 20;

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

export class BigQueryJobs {
  /** How many times each (label, statement) was issued by this scoped runner: the n-th gets the n-th id. */
  private readonly occurrences = new Map<string, number>();

  constructor(
    private readonly client: BigQueryClient,
    readonly settings: BigQueryWarehouseSettings,
    /** The run whose jobs these are; the attempt is a label only (a redelivery increments it, so not in ids). */
    private readonly run?: RunScope,
    /**
     * What the runners this one was scoped from have run (the warehouse's totals): every job counts there too.
     * A function instance may serve two steps' deliveries at once, so a step's own usage is its runner's stats,
     * never a difference of the shared totals.
     */
    private readonly enclosing: readonly BigQueryStats[] = [],
  ) {
    if (!(settings.maximumBytesBilled > 0)) throw new Error("maximumBytesBilled must be a positive number");
  }

  /** What this runner's jobs used: a scoped runner's own, the warehouse's runner's all of them. */
  readonly stats: BigQueryStats = {
    queries: 0,
    engineMs: 0,
    slotMs: 0,
    bytesProcessed: 0,
    bytesBilled: 0,
    reattached: 0,
  };

  /**
   * The same runner for one step of one run; its occurrence counts and its stats start afresh, as a redelivery
   * replays the step.
   */
  forRun(run: RunScope): BigQueryJobs {
    return new BigQueryJobs(this.client, this.settings, run, [this.stats, ...this.enclosing]);
  }

  /** Physical dataset name of a logical one. */
  datasetName(dataset: string): string {
    return `${this.settings.datasetPrefix ?? ""}${dataset}`;
  }

  tableRef(dataset: string, table: string): string {
    const physical = this.datasetName(dataset);
    if (!IDENTIFIER.test(physical) || !IDENTIFIER.test(table)) {
      throw new Error(`invalid table name ${dataset}.${table}`);
    }
    return `\`${this.settings.projectId}.${physical}.${table}\``;
  }

  datasetRef(dataset: string): string {
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
    for (const counts of [this.stats, ...this.enclosing]) {
      counts.queries += 1;
      if (reattached) counts.reattached += 1;
      if (stats?.startTime && stats.endTime)
        counts.engineMs += numberOf(stats.endTime) - numberOf(stats.startTime);
      counts.slotMs += numberOf(stats?.totalSlotMs);
      counts.bytesProcessed += numberOf(stats?.query?.totalBytesProcessed);
      counts.bytesBilled += numberOf(stats?.query?.totalBytesBilled);
    }
  }

  /**
   * Runs one job to completion. With a run context the id is deterministic: "already exists" means an earlier
   * delivery created it, so we attach and wait; if that earlier try failed, the next try number runs it again.
   */
  async runJob(spec: JobSpec): Promise<{ job: BigQueryJobHandle; metadata: JobMetadata }> {
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

  async *pages(job: BigQueryJobHandle, pageSize: number): AsyncGenerator<QueryResultsPage> {
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

  spec(kind: string, sql: string, params: SqlParams, label: string | undefined, dataset?: string): JobSpec {
    const physicalSql = this.sqlFor(sql);
    const parameters = Object.entries(usedParams(physicalSql, params)).map(([name, value]) =>
      queryParameter(name, value),
    );
    return { kind, label: label ?? kind, sql: physicalSql, parameters, dataset };
  }

  async dryRun(spec: JobSpec): Promise<JobMetadata> {
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

  async firstNumber(job: BigQueryJobHandle): Promise<number> {
    const [, , page] = await job.getQueryResults({ maxResults: 1, autoPaginate: false, skipParsing: true });
    return numberOf(String(page?.rows?.[0]?.f?.[0]?.v ?? 0));
  }

  /** Runs a job and reads all its rows (metadata reads, small by nature). */
  async rows(spec: JobSpec): Promise<Row[]> {
    const { job } = await this.runJob(spec);
    const rows: Row[] = [];
    for await (const page of this.pages(job, this.settings.pageSize ?? DEFAULT_PAGE_SIZE)) {
      rows.push(...decodeRows(page).rows);
    }
    return rows;
  }
}
