import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import PostalMime from "postal-mime";
import { OnDemandSmtpMailer } from "../../../functions/adapters/mailer/on-demand-smtp-mailer.ts";
import { OutboxMailer } from "../../../functions/adapters/mailer/outbox-mailer.ts";
import type { OutgoingMail, Secrets } from "../../../functions/shared/ports.ts";
import { isTransient, PermanentStepError } from "../../../functions/shared/step.ts";
import { sendThroughSmtpServer, startSmtpServer } from "../../support/smtp.ts";

const mail: OutgoingMail = {
  from: "DTC Pulse <pulse@example.com>",
  to: ["founder@example.com"],
  subject: "Maison · Sat 21 Nov\r\nBcc: attacker@example.com",
  html: "<p>Revenue <b>$12,400</b></p>",
  text: "Revenue $12,400",
  messageId: "<summary-2026-11-21@dtc-pulse>",
};

describe("mailers", () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "pulse-outbox-"));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it("writes an .eml and an .html preview to the outbox, with no header injection", async () => {
    const sent = await new OutboxMailer(folder).send(mail);
    assert.equal(sent.location, join(folder, "summary-2026-11-21_dtc-pulse.eml"));
    const parsed = await PostalMime.parse(await readFile(sent.location));
    assert.equal(parsed.subject, "Maison · Sat 21 Nov Bcc: attacker@example.com");
    assert.equal(parsed.bcc, undefined);
    assert.equal(parsed.messageId, "<summary-2026-11-21@dtc-pulse>");
    assert.match(parsed.html ?? "", /\$12,400/);
    assert.equal(parsed.text?.trim(), "Revenue $12,400");
    assert.equal(await readFile(join(folder, "summary-2026-11-21_dtc-pulse.html"), "utf8"), mail.html);
  });

  it("delivers over SMTP to a real server", async () => {
    const received = await sendThroughSmtpServer(mail);
    assert.equal(received.length, 1);
    const parsed = await PostalMime.parse(received[0] ?? Buffer.alloc(0));
    assert.deepEqual(
      parsed.to?.map((to) => to.address),
      ["founder@example.com"],
    );
    assert.match(parsed.html ?? "", /<b>\$12,400<\/b>/);
  });

  it("leaves an SMTP server's 4xx and a refused connection to the bus's retry; a 5xx is final", async () => {
    // RFC 5321: a 4yz reply is a transient failure (451 greylisting, 421 "try again later"); a 5yz a permanent one.
    // runStep retries only what isTransient says, so the summary email must say it, or a greylisting relay costs
    // the day its summary (the step failed for good, the failure email instead).
    const failure = async (responseCode: number, message: string) => {
      const smtp = await startSmtpServer(() => true, { responseCode, message });
      try {
        return await smtp.mailer.send(mail).then(
          () => assert.fail("the server accepted it"),
          (error: unknown) => error,
        );
      } finally {
        await smtp.close();
      }
    };
    assert.equal(isTransient(await failure(451, "Greylisted, please try again later")), true, "451");
    assert.equal(isTransient(await failure(421, "Too many connections, try again later")), true, "421");
    assert.equal(isTransient(await failure(550, "No such user here")), false, "550");
    // A server that is not listening: a connection refused before any reply.
    const closed = await startSmtpServer();
    await closed.close();
    const refused = await closed.mailer.send(mail).then(
      () => assert.fail("sent to a closed port"),
      (error: unknown) => error,
    );
    assert.equal(isTransient(refused), true, "connection refused");
  });

  it("reads the SMTP URL on the first mail only, uses the fallback without one, and retries a failed read", async () => {
    const asked: string[] = [];
    let fail = true;
    const secrets: Secrets = {
      get: async (name) => {
        asked.push(name);
        if (fail) throw new Error("Secret Manager unavailable");
        return undefined;
      },
    };
    const mailer = new OnDemandSmtpMailer(secrets, () => new OutboxMailer(folder));
    assert.deepEqual(asked, []);
    await assert.rejects(mailer.send(mail), /unavailable/);
    fail = false;
    const sent = await mailer.send(mail);
    assert.equal(sent.location, join(folder, "summary-2026-11-21_dtc-pulse.eml"));
    await mailer.send(mail);
    assert.deepEqual(asked, ["smtpUrl", "smtpUrl"]);
    await assert.rejects(
      new OnDemandSmtpMailer(secrets).send(mail),
      (error: unknown) => error instanceof PermanentStepError && /no SMTP URL/.test(error.message),
    );
  });
});
