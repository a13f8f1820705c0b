// The failure email's marker is written only after the SMTP server accepted the message, so a transient SMTP
// failure is retried instead of skipped; a dead letter the handler cannot read as a run message still produces a
// failure email; a corrupt marker is set aside, not a permanent failure. The summary email's marker likewise says
// "sent" only after the server accepted it. Through a real SMTP server.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import PostalMime from "postal-mime";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { SmtpMailer } from "../../functions/adapters/mailer/smtp-mailer.ts";
import { failureEmailMarkerPath, summaryEmailMarkerPath } from "../../functions/lib/bucket-layout.ts";
import { saveReportSnapshot } from "../../functions/lib/reporting/report-snapshot.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { notifyFailure, runNotify } from "../../functions/notify/step.ts";
import { ConfigError, loadConfig } from "../../functions/shared/config.ts";
import { createDeadLetterHandler, type HandlerRuntime } from "../../functions/shared/handler.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import type { Bucket, Bus, Secrets, Warehouse } from "../../functions/shared/ports.ts";
import { toPubSubCloudEvent } from "../../functions/shared/pubsub-envelope.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { buildReportData } from "../report/report-data-fixture.ts";
import { type LocalSmtpServer, startSmtpServer } from "../support/smtp.ts";

describe("failure emails and their markers", () => {
  let smtp: LocalSmtpServer;
  let mailer: SmtpMailer;
  let received: Buffer[];
  let refuseNext = 0;
  let root: string;
  let runtime: HandlerRuntime;

  before(async () => {
    smtp = await startSmtpServer(() => {
      if (refuseNext === 0) return false;
      refuseNext -= 1;
      return true;
    });
    ({ mailer, received } = smtp);
  });
  after(() => smtp.close());
  beforeEach(async () => {
    received.length = 0;
    refuseNext = 0;
    root = await mkdtemp(join(tmpdir(), "pulse-markers-"));
    runtime = {
      config: loadConfig({ env: {}, cwd: root }),
      log: silentLogger(),
      ports: {
        bucket: new FolderBucket(root),
        mailer,
        bus: {} as Bus,
        warehouse: {} as Warehouse,
        secrets: {} as Secrets,
        clock: { now: () => new Date("2026-11-22T12:00:00Z") },
      },
    };
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const failed = parseRunMessage({
    runDate: "2026-11-21",
    runId: "run-1",
    trigger: "scheduler",
    failure: { step: "transform", error: "Conversion Error: Could not convert", at: "2026-11-22T06:00:00Z" },
  });

  it("retries a failure email whose first send the SMTP server refused, then sends it only once", async () => {
    refuseNext = 1;
    await assert.rejects(notifyFailure(failed, runtime), /451|Try again/);
    assert.equal(received.length, 0);
    const marker = failureEmailMarkerPath("2026-11-21", "transform", "run-1");
    assert.equal(await runtime.ports.bucket.exists(marker), false, "no marker after a refused send");
    await notifyFailure(failed, runtime);
    await notifyFailure(failed, runtime);
    assert.equal(received.length, 1, "sent once the server accepts it, and not again");
    const parsed = await PostalMime.parse(received[0] ?? Buffer.alloc(0));
    assert.match(parsed.subject ?? "", /FAILED at transform · Sat 21 Nov 2026/);
  });

  it("sets a corrupt failure marker aside and sends the email", async () => {
    const marker = failureEmailMarkerPath("2026-11-21", "transform", "run-1");
    await runtime.ports.bucket.write(marker, '{"status":"se');
    await notifyFailure(failed, runtime);
    assert.equal(received.length, 1);
    const kept = (await runtime.ports.bucket.list(marker)).filter((path) => path.includes(".corrupt-"));
    assert.equal(kept.length, 1, "the unreadable marker is kept aside");
  });

  const deadLetter = (data: unknown, attributes: Record<string, string>, messageId = "dl-1") =>
    toPubSubCloudEvent(
      "pulse-dead-letter",
      messageId,
      { data, attributes },
      new Date("2026-11-22T12:00:00Z"),
    );
  const handler = () =>
    createDeadLetterHandler(
      async () => runtime,
      notifyFailure,
      (topic) => (topic === "pulse-ingest" ? "ingest" : topic === "pulse-export" ? "export" : undefined),
      async () => assert.fail("no file drop here"),
    );

  it("emails a dead-lettered Scheduler start message from ingest, for yesterday in the shop's zone", async () => {
    await handler()(deadLetter({ trigger: "scheduler" }, { sourceTopic: "pulse-ingest" }));
    assert.equal(received.length, 1);
    const parsed = await PostalMime.parse(received[0] ?? Buffer.alloc(0));
    assert.match(parsed.subject ?? "", /FAILED at ingest · Sat 21 Nov 2026/);
  });

  it("emails a dead letter it cannot read at all for the run date its attributes carry", async () => {
    // The README: garbage is emailed "for the run date in its attributes or else yesterday in the shop's zone".
    await handler()(
      deadLetter({ what: "garbage" }, { sourceTopic: "pulse-export", runDate: "2026-11-18" }, "dl-7"),
    );
    assert.equal(received.length, 1);
    const parsed = await PostalMime.parse(received[0] ?? Buffer.alloc(0));
    assert.match(parsed.subject ?? "", /FAILED at export · Wed 18 Nov 2026/);
    assert.match(parsed.text ?? "", /could not be read/);
  });

  it("emails a dead letter it cannot read at all, once per dead letter", async () => {
    const unreadable = { runDate: "21/11/2026", what: "garbage" };
    await handler()(deadLetter(unreadable, { sourceTopic: "pulse-export" }, "dl-9"));
    await handler()(deadLetter(unreadable, { sourceTopic: "pulse-export" }, "dl-9"));
    assert.equal(received.length, 1);
    const parsed = await PostalMime.parse(received[0] ?? Buffer.alloc(0));
    assert.match(parsed.subject ?? "", /FAILED at export/);
    assert.match(parsed.text ?? "", /could not be read/);
  });

  it("sends nothing for a dead letter of a step that has succeeded since", async () => {
    const message = parseRunMessage({ runDate: "2026-11-21", runId: "run-2", trigger: "scheduler" });
    await new Ledger(runtime.ports.bucket).write({
      runDate: "2026-11-21",
      step: "export",
      runId: "run-2",
      status: "succeeded",
      attempt: 1,
      startedAt: "2026-11-22T06:00:00Z",
      rows: {},
      outputs: [],
      findings: [],
      metrics: {},
    });
    await handler()(deadLetter(message, { sourceTopic: "pulse-export" }));
    assert.equal(received.length, 0);
  });
});

describe("dead letters of a step being run", () => {
  it("sends no failure email while a live delivery holds the step's claim", async () => {
    const root = await mkdtemp(join(tmpdir(), "pulse-held-"));
    try {
      const sent: string[] = [];
      const runtime: HandlerRuntime = {
        config: loadConfig({ env: {}, cwd: root }),
        log: silentLogger(),
        ports: {
          bucket: new FolderBucket(root),
          mailer: {
            send: async (mail) => (sent.push(mail.subject), { messageId: mail.messageId, location: "x" }),
          },
          bus: {} as Bus,
          warehouse: {} as Warehouse,
          secrets: {} as Secrets,
          clock: { now: () => new Date() },
        },
      };
      const held = await new Ledger(runtime.ports.bucket).claim(
        "2026-11-21",
        "export",
        "running",
        () => new Date(),
      );
      assert.ok(held.acquired);
      const message = parseRunMessage({ runDate: "2026-11-21", runId: "dup", trigger: "scheduler" });
      const handler = createDeadLetterHandler(
        async () => runtime,
        notifyFailure,
        () => "export",
        async () => assert.fail("no file drop here"),
      );
      await handler(
        toPubSubCloudEvent("pulse-dead-letter", "dl-held", { data: message, attributes: {} }, new Date()),
      );
      assert.deepEqual(sent, []);
      await held.lease.release();
      await handler(
        toPubSubCloudEvent("pulse-dead-letter", "dl-held", { data: message, attributes: {} }, new Date()),
      );
      assert.equal(sent.length, 1, "once nobody runs it, the dead letter is a failure");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("the summary email and its marker", () => {
  // docs/reliability.md, "Emails": at least once per run date, exactly once unless notify dies between the server's answer and
  // the marker; the marker says "sent" only after the server's answer, and a resend carries the same Message-ID.
  const RUN_DATE = "2026-11-21";
  let smtp: LocalSmtpServer;
  let refuseNext = 0;
  let root: string;
  let bucket: FolderBucket;
  let context: StepContext;
  let markerWrites: { failNextSent: boolean };

  before(async () => {
    smtp = await startSmtpServer(() => {
      if (refuseNext === 0) return false;
      refuseNext -= 1;
      return true;
    });
  });
  after(() => smtp.close());
  beforeEach(async () => {
    smtp.received.length = 0;
    refuseNext = 0;
    root = await mkdtemp(join(tmpdir(), "pulse-summary-marker-"));
    bucket = new FolderBucket(root);
    markerWrites = { failNextSent: false };
    // The bucket dies writing the "sent" marker once when told: notify killed right after the server's answer.
    const real: Bucket = bucket;
    const dying = Object.create(bucket) as Bucket;
    dying.write = async (path, data, options) => {
      if (
        markerWrites.failNextSent &&
        path === summaryEmailMarkerPath(RUN_DATE) &&
        String(data).includes('"sent"')
      ) {
        markerWrites.failNextSent = false;
        throw new Error("killed before the marker was written");
      }
      return real.write(path, data, options);
    };
    const config = loadConfig({ env: {}, cwd: root });
    const message = parseRunMessage({ runDate: RUN_DATE, runId: "run-1", trigger: "scheduler" });
    // The report step's data for this run, so that notify needs no mart from the warehouse.
    assert.ok(
      await saveReportSnapshot(
        bucket,
        { runId: "run-1", codeVersion: config.cloud.codeVersion },
        { ...buildReportData(), runDate: RUN_DATE },
      ),
    );
    context = {
      step: "notify",
      message,
      config,
      log: silentLogger(),
      ports: {
        bucket: dying,
        mailer: smtp.mailer,
        // No ops.findings yet: no alert history to read.
        warehouse: { listTables: async () => [] } as unknown as Warehouse,
        clock: { now: () => new Date("2026-11-22T07:00:00Z") },
      },
    } as unknown as StepContext;
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const marker = async () =>
    JSON.parse(String(await bucket.read(summaryEmailMarkerPath(RUN_DATE)))) as { status: string };

  it("is not marked sent when the server refuses it, is sent on the retry, and never again", async () => {
    refuseNext = 1;
    await assert.rejects(runNotify(context), /451|Try again/);
    assert.equal(smtp.received.length, 0);
    assert.equal((await marker()).status, "sending", "not sent: the retry sends it");
    await runNotify(context);
    assert.equal((await marker()).status, "sent");
    const again = await runNotify(context);
    assert.match(again.summary ?? "", /already sent/);
    assert.equal(smtp.received.length, 1, "once");
    const parsed = await PostalMime.parse(smtp.received[0] ?? Buffer.alloc(0));
    assert.equal(parsed.messageId, `<summary-${RUN_DATE}@dtc-pulse>`);
  });

  it("is sent a second time, with the same Message-ID, only when notify dies between the answer and the marker", async () => {
    markerWrites.failNextSent = true;
    await assert.rejects(runNotify(context), /killed before the marker/);
    assert.equal(smtp.received.length, 1, "the server accepted it");
    assert.equal((await marker()).status, "sending");
    await runNotify(context);
    await runNotify(context);
    assert.equal(smtp.received.length, 2, "at least once: the retry sends it again, and then no more");
    const [first, second] = await Promise.all(smtp.received.map((raw) => PostalMime.parse(raw)));
    assert.equal(first?.messageId, `<summary-${RUN_DATE}@dtc-pulse>`);
    assert.equal(second?.messageId, first?.messageId, "a mail client shows the copies as one");
    assert.equal(second?.text, first?.text, "built in full from the same data");
  });
});

describe("email settings", () => {
  it("refuses an address with a line break and a Bcc header, naming the setting", () => {
    for (const env of [
      { PULSE_EMAIL_TO: "founder@example.com\r\nBcc: thief@example.net" },
      { PULSE_EMAIL_FROM: "Pulse <pulse@example.com>\nBcc: thief@example.net" },
      { PULSE_EMAIL_TO: "not-an-address" },
    ]) {
      assert.throws(
        () => loadConfig({ env, cwd: tmpdir() }),
        (error: unknown) => error instanceof ConfigError && /PULSE_EMAIL_(TO|FROM)|email/.test(error.message),
      );
    }
    const config = loadConfig({
      env: {
        PULSE_EMAIL_TO: "a@example.com, Ops Team <ops@example.com>",
        PULSE_EMAIL_FROM: '"Shop, Inc" <p@x.io>',
      },
      cwd: tmpdir(),
    });
    assert.deepEqual(config.email.to, ["a@example.com", "Ops Team <ops@example.com>"]);
  });
});
