// The failure email's marker is written only after the SMTP server accepted the message, so a transient SMTP
// failure is retried instead of skipped; a dead letter the handler cannot read as a run message still produces a
// failure email; a corrupt marker is set aside, not a permanent failure. Through a real SMTP server.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import PostalMime from "postal-mime";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { SmtpMailer } from "../../functions/adapters/mailer/smtp-mailer.ts";
import { failureEmailMarkerPath } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { notifyFailure } from "../../functions/notify/step.ts";
import { ConfigError, loadConfig } from "../../functions/shared/config.ts";
import { createDeadLetterHandler, type HandlerRuntime } from "../../functions/shared/handler.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import type { Bus, Secrets, Warehouse } from "../../functions/shared/ports.ts";
import { toPubSubCloudEvent } from "../../functions/shared/pubsub-envelope.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
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
    assert.match(parsed.subject ?? "", /FAILED at transform · 2026-11-21/);
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
    assert.match(parsed.subject ?? "", /FAILED at ingest · 2026-11-21/);
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
