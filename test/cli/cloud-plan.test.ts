// plan --cloud: the plan of the cloud run, read through the cloud ports (the real BigQuery and Cloud Storage
// adapters over recording fakes): the bucket's ledger says which steps are done, and each model's bytes come from a
// BigQuery dry run, never from running it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { GcsBucketHandle, GcsFile } from "../../functions/adapters/bucket/gcs-bucket.ts";
import type {
  JobRequest,
  JobMetadata,
  BigQueryJobHandle,
} from "../../functions/adapters/warehouse/bigquery/client.ts";
import { planCloudRun } from "../../functions/cli/cloud-plan.ts";
import { stepRecordPath } from "../../functions/lib/bucket-layout.ts";
import { MODELS } from "../../functions/lib/sql/models.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { FakeBigQuery } from "../adapters/warehouse/bigquery/fake-client.ts";

const RUN_DATE = "2026-11-21";
const ENV = {
  PULSE_PROJECT_ID: "shop-analytics",
  PULSE_BQ_LOCATION: "EU",
  PULSE_BUCKET: "shop-analytics-pulse",
  PULSE_PII_HASH_KEY: "k".repeat(40),
};
const MiB = 2 ** 20;

/** Every dry run answered with 3 MiB, so the plan's lines and total can be checked against a known sum. */
class DryRunFake extends FakeBigQuery {
  override async createJob(request: JobRequest): Promise<[BigQueryJobHandle, JobMetadata?]> {
    const answer = await super.createJob(request);
    if (!request.configuration.dryRun) return answer;
    return [
      answer[0],
      { status: { state: "DONE" }, statistics: { query: { totalBytesProcessed: String(3 * MiB) } } },
    ];
  }
}

/** A bucket whose ledger holds one record: the run date's ingest, succeeded. */
function bucketWithIngestDone(): { handle: GcsBucketHandle; read: string[] } {
  const read: string[] = [];
  const ingest = JSON.stringify({
    runDate: RUN_DATE,
    step: "ingest",
    runId: "scheduler-1",
    status: "succeeded",
    attempt: 1,
    startedAt: "2026-11-22T07:00:00Z",
    finishedAt: "2026-11-22T07:01:00Z",
    rows: {},
    outputs: [],
    findings: [],
    metrics: {},
  });
  const notFound = () => Object.assign(new Error("No such object"), { code: 404 });
  const file = (path: string): GcsFile =>
    ({
      name: path,
      download: async () => {
        read.push(path);
        if (path === stepRecordPath(RUN_DATE, "ingest")) return [Buffer.from(ingest)];
        throw notFound();
      },
      exists: async () => [path === stepRecordPath(RUN_DATE, "ingest")],
      getMetadata: async () => {
        throw notFound();
      },
    }) as unknown as GcsFile;
  return {
    read,
    handle: {
      name: ENV.PULSE_BUCKET,
      file,
      combine: async () => {
        throw new Error("a plan writes nothing");
      },
      getFiles: async () => [[]],
    },
  };
}

describe("plan --cloud", () => {
  it("reads the bucket's ledger and dry-runs every model on BigQuery, running none", async () => {
    const bigquery = new DryRunFake();
    const bucket = bucketWithIngestDone();
    const config = loadConfig({ env: ENV, cwd: "/srv" });
    const message = parseRunMessage({ runDate: RUN_DATE, runId: "cli-plan", trigger: "cli" });
    const lines = await planCloudRun(message, config, ENV, { bigquery, bucket: bucket.handle });
    assert.equal(lines[0], "cloud: project shop-analytics, BigQuery in EU, bucket gs://shop-analytics-pulse");
    assert.ok(
      lines.includes("ingest: already done (2026-11-22T07:01:00Z); --force to redo"),
      lines.join("\n"),
    );
    assert.ok(lines.includes("transform: will run"));
    assert.ok(bucket.read.includes(stepRecordPath(RUN_DATE, "transform")), "the ledger read is the bucket's");
    const modelLines = lines.filter((line) => /^ {2}(staging|unified|marts)\.\w+: /.test(line));
    assert.equal(modelLines.length, MODELS.length);
    for (const line of modelLines) assert.match(line, /, scans ~3\.0 MiB$/);
    assert.equal(
      lines.at(-1),
      `estimated bytes scanned by the models: ${(3 * MODELS.length).toFixed(1)} MiB`,
    );
    const dryRuns = bigquery.requests.filter((request) => request.configuration.dryRun);
    assert.equal(dryRuns.length, MODELS.length, "one dry run per model");
    for (const model of MODELS) {
      const ran = bigquery.queries().filter((sql) => sql.includes(`-- grain: ${model.grain}`));
      assert.deepEqual(ran, [], `${model.layer}.${model.name} was not run`);
    }
  });

  describe("on the command line", () => {
    let workDir: string;
    before(async () => {
      workDir = await mkdtemp(join(tmpdir(), "pulse-cloud-plan-"));
    });
    after(() => rm(workDir, { recursive: true, force: true }));
    const pulse = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "functions/cli/main.ts", ...args], {
        encoding: "utf8",
        env: {
          ...process.env,
          PULSE_WORK_DIR: workDir,
          PULSE_PROJECT_ID: "",
          GOOGLE_CLOUD_PROJECT: "",
          ...env,
        },
      });

    it("needs the shop's project and bucket, and goes with plan only (exit 2, nothing contacted)", () => {
      const noProject = pulse({}, "plan", "--cloud", "--date", RUN_DATE);
      assert.equal(noProject.status, 2);
      assert.match(
        noProject.stderr,
        /plan --cloud needs the shop's project \(PULSE_PROJECT_ID or GOOGLE_CLOUD_PROJECT\)/,
      );
      const noBucket = pulse({ PULSE_PROJECT_ID: "shop-analytics" }, "plan", "--cloud", "--date", RUN_DATE);
      assert.equal(noBucket.status, 2);
      assert.match(noBucket.stderr, /cloud\.bucket: required in the cloud \(PULSE_BUCKET\)/);
      const run = pulse({ PULSE_PROJECT_ID: "shop-analytics" }, "--cloud");
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--cloud goes with plan only/);
      const help = pulse({}, "--help");
      assert.match(help.stdout, /plan --cloud/);
    });
  });
});
