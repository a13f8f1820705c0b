// What the dead-letter function emails for each kind of dead letter, through the real handler (the one
// functions/index.ts serves), a real SMTP server and a DuckDB ops.file_drops: a Scheduler start message and a
// step's message are run failures; a file drop's is about the file, worded from what ingest recorded of it since it
// was dropped: nothing for a file loaded since, "not read yet" for one no run has read (deferred: it waits in the
// inbox), "could not be loaded" only for one ingest read and failed.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import PostalMime from "postal-mime";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { SmtpMailer } from "../../functions/adapters/mailer/smtp-mailer.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { FILE_DROP_COLUMNS } from "../../functions/ingest/file-drop.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { createStepHandlers } from "../../functions/runtime/step-handlers.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { HandlerRuntime } from "../../functions/shared/handler.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { DATASETS, FILE_DROPS_TABLE, STEPS } from "../../functions/shared/pipeline.ts";
import type { Bus, Secrets } from "../../functions/shared/ports.ts";
import { toPubSubCloudEvent } from "../../functions/shared/pubsub-envelope.ts";
import { type LocalSmtpServer, startSmtpServer } from "../support/smtp.ts";

const NOW = new Date("2026-11-22T12:00:00Z");
const DROPPED_AT = "2026-11-22T09:14:03.120Z";
const GENERATION = "1764500000123456";
const FILE = "orders_export.csv";
const OBJECT = `raw/inbox/${FILE}`;
const topic = (step: string) => STEPS.find((candidate) => candidate.name === step)?.topic ?? "";
const subscription = (name: string) => `projects/shop/subscriptions/${name}-push`;

/** The notification Cloud Storage publishes for the drop, as its dead letter carries it. */
const notification = {
  data: {
    kind: "storage#object",
    name: OBJECT,
    bucket: "shop-pulse",
    generation: GENERATION,
    size: "5120",
    timeCreated: DROPPED_AT,
  },
  attributes: {
    eventType: "OBJECT_FINALIZE",
    payloadFormat: "JSON_API_V1",
    bucketId: "shop-pulse",
    objectId: OBJECT,
    objectGeneration: GENERATION,
    eventTime: DROPPED_AT,
    CloudPubSubDeadLetterSourceSubscription: subscription("pulse-file-drops"),
  },
};
/** The start message the file-drop subscription's transform made of it (infra/file-drop-start.js). */
const transformed = {
  data: { trigger: "file-drop", runId: `file-drop-${GENERATION}`, options: { force: true } },
  attributes: {
    trigger: "file-drop",
    object: OBJECT,
    generation: GENERATION,
    droppedAt: DROPPED_AT,
    size: "5120",
    CloudPubSubDeadLetterSourceSubscription: subscription("pulse-file-drops"),
  },
};

describe("the dead-letter function's emails", () => {
  let smtp: LocalSmtpServer;
  let mailer: SmtpMailer;
  let received: Buffer[];
  let root: string;
  let warehouse: DuckDbWarehouse;
  let runtime: HandlerRuntime;

  before(async () => {
    smtp = await startSmtpServer();
    ({ mailer, received } = smtp);
  });
  after(() => smtp.close());
  beforeEach(async () => {
    received.length = 0;
    root = await mkdtemp(join(tmpdir(), "pulse-dead-letters-"));
    warehouse = await DuckDbWarehouse.open(":memory:");
    runtime = {
      config: loadConfig({ env: {}, cwd: root }),
      log: silentLogger(),
      ports: {
        bucket: new FolderBucket(root),
        mailer,
        bus: {} as Bus,
        warehouse,
        secrets: {} as Secrets,
        clock: { now: () => NOW },
      },
    };
  });
  afterEach(async () => {
    await warehouse.close();
    await rm(root, { recursive: true, force: true });
  });

  const deadLetter = (message: { data: unknown; attributes: Record<string, string> }, id = "dl-1") =>
    createStepHandlers(async () => runtime).deadLetter(
      toPubSubCloudEvent("pulse-dead-letter", id, message, NOW),
    );
  const emails = async () =>
    Promise.all(received.map(async (raw) => PostalMime.parse(raw))).then((parsed) =>
      parsed.map((email) => ({ subject: email.subject ?? "", text: email.text ?? "" })),
    );
  /** What ingest records of a file it read (functions/ingest/file-drop.ts, recordManifest). */
  const recorded = async (status: "loaded" | "failed", receivedAt: string, error: string | null = null) =>
    warehouse.load({
      dataset: DATASETS.ops,
      table: FILE_DROPS_TABLE,
      columns: FILE_DROP_COLUMNS,
      replaceWhere: { column: "sha256", value: `${status}-${receivedAt}` },
      rows: [
        {
          sha256: `${status}-${receivedAt}`,
          file_name: FILE,
          size_bytes: 5120,
          received_path: `raw/received/abc/${FILE}`,
          received_at: receivedAt,
          run_date: "2026-11-21",
          status,
          kind: status === "loaded" ? "shopify_orders" : null,
          raw_table: status === "loaded" ? "shopify_orders" : null,
          encoding: "utf-8",
          delimiter: ",",
          period_start: null,
          period_end: null,
          rows_read: 0,
          rows_loaded: 0,
          rows_quarantined: 0,
          rows_landed: 0,
          rows_replaced: 0,
          quarantine_path: null,
          error,
        },
      ],
    });
  const ingestSucceeded = async (runId: string) =>
    new Ledger(runtime.ports.bucket).write({
      runDate: "2026-11-21",
      step: "ingest",
      runId,
      status: "succeeded",
      attempt: 1,
      startedAt: "2026-11-22T02:00:00Z",
      rows: {},
      outputs: [],
      findings: [],
      metrics: {},
    });
  /** The ledger record of a step's last failed try of 2026-11-21 under `runId`. */
  const stepFailed = async (step: "ingest" | "export", runId: string, attempt: number, error: string) =>
    new Ledger(runtime.ports.bucket).write({
      runDate: "2026-11-21",
      step,
      runId,
      status: "failed",
      attempt,
      startedAt: "2026-11-22T06:00:00Z",
      rows: {},
      outputs: [],
      findings: [],
      metrics: {},
      error,
    });

  it("a Scheduler start message: the run failed at its first step", async () => {
    await deadLetter({
      data: { trigger: "scheduler" },
      attributes: { CloudPubSubDeadLetterSourceSubscription: subscription(topic("ingest")) },
    });
    const [email, ...more] = await emails();
    assert.equal(more.length, 0);
    assert.match(email?.subject ?? "", /run FAILED at ingest · Sat 21 Nov 2026/);
    assert.match(email?.text ?? "", /kept failing after every retry/);
  });

  it("a Scheduler start message: the last error ingest recorded for the run Scheduler's message started", async () => {
    // Ingest resolved the start message from when Scheduler published it (07:00 UTC): run date 2026-11-21, run id
    // scheduler-20261122T070000Z. Pub/Sub forwards a dead letter as a new message, published when it gave up
    // (12:00 here, the event's publish time), and keeps the original's publish time in an attribute.
    await stepFailed(
      "ingest",
      "scheduler-20261122T070000Z",
      10,
      "BigQuery: the service is temporarily unavailable",
    );
    await deadLetter({
      data: { trigger: "scheduler" },
      attributes: {
        CloudPubSubDeadLetterSourceSubscription: subscription(topic("ingest")),
        CloudPubSubDeadLetterSourceDeliveryCount: "10",
        CloudPubSubDeadLetterSourceTopicPublishTime: "2026-11-22T07:00:00.000+00:00",
      },
    });
    const [email, ...more] = await emails();
    assert.equal(more.length, 0);
    assert.match(email?.subject ?? "", /run FAILED at ingest · Sat 21 Nov 2026/);
    assert.match(
      email?.text ?? "",
      /kept failing after every retry; its last error: BigQuery: the service is temporarily unavailable/,
    );
  });

  it("a step's message: the run failed at that step, with the last error its ledger recorded", async () => {
    await stepFailed("export", "run-7", 5, "Exceeded rate limits: too many table update operations");
    await deadLetter({
      data: { runDate: "2026-11-21", runId: "run-7", trigger: "scheduler" },
      attributes: { CloudPubSubDeadLetterSourceSubscription: subscription(topic("export")) },
    });
    const [email] = await emails();
    assert.match(email?.subject ?? "", /run FAILED at export · Sat 21 Nov 2026/);
    assert.match(email?.text ?? "", /kept failing after every retry; its last error: Exceeded rate limits/);
  });

  for (const [shape, message] of [
    ["as Cloud Storage published it", notification],
    ["as the file-drop transform made it", transformed],
  ] as const) {
    it(`a file drop (${shape}) whose file was loaded since: no email`, async () => {
      await recorded("loaded", "2026-11-22T10:30:00Z");
      await deadLetter(message);
      assert.deepEqual(await emails(), []);
    });

    it(`a file drop (${shape}) no run has read yet: "not read yet", never "could not be read"`, async () => {
      // The night's ingest ran before the drop: the day's ingest succeeded, and the file waits in the inbox.
      await ingestSucceeded("scheduler-20261122T020000Z");
      await deadLetter(message);
      const [email, ...more] = await emails();
      assert.equal(more.length, 0);
      assert.match(email?.subject ?? "", /file drop not read yet · orders_export\.csv · Sat 21 Nov 2026/);
      assert.doesNotMatch(`${email?.subject} ${email?.text}`, /could not be (read|loaded)|FAILED/);
      assert.match(email?.text ?? "", /waits in raw\/inbox\/ and the next run's ingest reads it/);
      // Dropped at 09:14 UTC: the en-US shop's clock in New York said 4:14 that morning.
      assert.match(email?.text ?? "", /Dropped at: Sun 22 Nov 2026 4:14 AM EST\n/);
      assert.match(email?.text ?? "", /npm start -- --date 2026-11-21 --from ingest --force/);
    });

    it(`a file drop (${shape}) that ingest read and could not load: "could not be loaded", with why`, async () => {
      await recorded("failed", "2026-11-22T10:30:00Z", `${FILE}: the file is empty`);
      await deadLetter(message);
      const [email] = await emails();
      assert.match(email?.subject ?? "", /file drop FAILED · orders_export\.csv · Sat 21 Nov 2026/);
      assert.match(email?.text ?? "", /orders_export\.csv: the file is empty/);
      assert.match(email?.text ?? "", /Correct the file and drop it again/);
      assert.doesNotMatch(email?.text ?? "", /npm start/, "re-running does not help a file that fails");
    });
  }

  it("a file drop whose name and size were loaded before it: the same export again is skipped, said so", async () => {
    await recorded("loaded", "2026-11-20T08:00:00Z");
    await deadLetter(notification);
    const [email] = await emails();
    assert.match(email?.subject ?? "", /file drop not read yet/);
    assert.match(email?.text ?? "", /same name and size was loaded at Fri 20 Nov 2026 3:00 AM EST:/);
  });

  it("a file drop's email goes out once, however often its dead letter is delivered", async () => {
    await deadLetter(notification, "dl-1");
    await deadLetter(notification, "dl-2");
    assert.equal((await emails()).length, 1);
  });
});
