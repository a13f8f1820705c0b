// A recording fake of the slice of @google-cloud/bigquery the adapter uses: every request is kept for the tests
// to check, and a job id used twice answers 409 as BigQuery does.
import assert from "node:assert/strict";
import type {
  BigQueryClient,
  BigQueryJobHandle,
  JobErrorProto,
  JobMetadata,
  JobRequest,
  QueryResultsPage,
  QueryResultsRequest,
  RawRow,
  SchemaField,
} from "../../../../functions/adapters/warehouse/bigquery/client.ts";

export interface Outcome {
  fields?: SchemaField[];
  rows?: unknown[][];
  error?: JobErrorProto;
  /** getQueryResults answers jobComplete: false this many times first. */
  pendingPolls?: number;
  statistics?: JobMetadata["statistics"];
}

/** Raw REST f/v rows, as BigQuery returns them. */
function toRaw(values: unknown[]): RawRow {
  return { f: values.map((v) => ({ v })) };
}

class FakeJob implements BigQueryJobHandle {
  readonly resultRequests: QueryResultsRequest[] = [];
  constructor(
    readonly id: string,
    private readonly outcome: Outcome,
  ) {}
  async getMetadata(): Promise<[JobMetadata]> {
    return [
      {
        jobReference: { jobId: this.id, location: "EU" },
        status: { state: "DONE", errorResult: this.outcome.error ?? null },
        statistics: this.outcome.statistics ?? {
          startTime: "1000",
          endTime: "1250",
          totalSlotMs: "40",
          query: { totalBytesProcessed: "2048", totalBytesBilled: "10485760" },
        },
      },
    ];
  }
  async getQueryResults(request: QueryResultsRequest): Promise<[unknown[], null, QueryResultsPage]> {
    this.resultRequests.push({ ...request });
    if ((this.outcome.pendingPolls ?? 0) > 0) {
      this.outcome.pendingPolls = (this.outcome.pendingPolls ?? 0) - 1;
      return [[], null, { jobComplete: false }];
    }
    if (this.outcome.error) {
      throw Object.assign(new Error(this.outcome.error.message ?? "job failed"), {
        code: 400,
        errors: [this.outcome.error],
      });
    }
    const all = this.outcome.rows ?? [];
    const start = Number(request.pageToken ?? 0);
    const rows = all.slice(start, start + request.maxResults).map(toRaw);
    const next = start + request.maxResults < all.length ? String(start + request.maxResults) : undefined;
    return [
      [],
      null,
      {
        jobComplete: true,
        schema: { fields: this.outcome.fields ?? [] },
        rows,
        pageToken: request.maxResults === 0 ? undefined : next,
        totalRows: String(all.length),
      },
    ];
  }
}

/** Records every request; answers with `respond`, and with 409 when a job id is used twice (as BigQuery does). */
export class FakeBigQuery implements BigQueryClient {
  readonly requests: JobRequest[] = [];
  readonly jobs = new Map<string, FakeJob>();
  executions = 0;
  constructor(private readonly respond: (request: JobRequest) => Outcome = () => ({})) {}

  async createJob(request: JobRequest): Promise<[BigQueryJobHandle, JobMetadata?]> {
    this.requests.push(structuredClone(request));
    const outcome = this.respond(request);
    if (request.configuration.dryRun) {
      const metadata: JobMetadata = {
        status: { state: "DONE" },
        statistics: { query: { totalBytesProcessed: "123456", schema: { fields: outcome.fields ?? [] } } },
      };
      return [new FakeJob("dry-run", outcome), metadata];
    }
    const id = request.jobId ?? "";
    if (this.jobs.has(id)) {
      throw Object.assign(new Error(`Already Exists: Job p:EU.${id}`), {
        code: 409,
        errors: [{ reason: "duplicate" }],
      });
    }
    this.executions += 1;
    const job = new FakeJob(id, outcome);
    this.jobs.set(id, job);
    return [job];
  }

  job(id: string): BigQueryJobHandle {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    return job;
  }

  queries(): string[] {
    return this.requests.filter((r) => !r.configuration.dryRun).map((r) => r.configuration.query.query);
  }
}

export const SETTINGS = { projectId: "shop-analytics", location: "EU", maximumBytesBilled: 5_000_000_000 };
export const RUN = {
  runDate: "2026-11-21",
  step: "transform",
  runId: "scheduler-2026-11-22T07:00:00.000Z",
  attempt: 2,
};
export const LABEL_RULE = /^[a-z0-9_-]{0,63}$/;

export function lastRequest(fake: FakeBigQuery): JobRequest {
  const request = fake.requests.at(-1);
  assert.ok(request, "a request was made");
  return request;
}
