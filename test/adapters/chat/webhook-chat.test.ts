// The chat webhook adapter against a real HTTP server on 127.0.0.1: the documented payload of each service
// (Slack and Google Chat incoming webhooks both take a POSTed JSON {"text": …}), and errors that say what went
// wrong without the URL.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { ChatWebhookError, WebhookChat } from "../../../functions/adapters/chat/webhook-chat.ts";
import { startWebhookServer, type WebhookServer } from "../../support/webhook-server.ts";

const MESSAGE = {
  title: "Maison Demo: 2 critical findings from check-sources for 2026-11-21",
  lines: [
    "Meta Ads data is 5 days old (last day 2026-11-16). ROAS for Meta is not meaningful until it syncs again.",
    "Spend > 0 & revenue < $1 on <2 days>",
  ],
};

describe("chat webhook adapter", () => {
  let server: WebhookServer;
  before(async () => {
    server = await startWebhookServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.received.length = 0;
    server.answer = 200;
  });

  it("posts Slack's {text} in mrkdwn, with &, < and > escaped", async () => {
    const chat = new WebhookChat({ kind: "slack", url: async () => server.url });
    assert.equal(await chat.post(MESSAGE), true);
    assert.equal(server.received.length, 1);
    const [post] = server.received;
    assert.equal(post?.method, "POST");
    assert.equal(post?.path, `/services/hook/${server.token}`);
    assert.match(post?.headers["content-type"] ?? "", /^application\/json/);
    assert.deepEqual(JSON.parse(post?.body ?? ""), {
      text:
        "*Maison Demo: 2 critical findings from check-sources for 2026-11-21*\n" +
        "• Meta Ads data is 5 days old (last day 2026-11-16). ROAS for Meta is not meaningful until it syncs again.\n" +
        "• Spend &gt; 0 &amp; revenue &lt; $1 on &lt;2 days&gt;",
    });
  });

  it("posts Google Chat's {text} as application/json; charset=UTF-8, text as written", async () => {
    const chat = new WebhookChat({ kind: "google-chat", url: async () => server.url });
    assert.equal(await chat.post(MESSAGE), true);
    const [post] = server.received;
    assert.equal(post?.headers["content-type"], "application/json; charset=UTF-8");
    const body = JSON.parse(post?.body ?? "") as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["text"]);
    assert.equal(
      body.text,
      `*${MESSAGE.title}*\n• ${MESSAGE.lines[0]}\n• Spend > 0 & revenue < $1 on <2 days>`,
    );
  });

  it("posts nothing and says so when the installation has no webhook URL", async () => {
    const chat = new WebhookChat({ kind: "slack", url: async () => undefined });
    assert.equal(await chat.post(MESSAGE), false);
    assert.equal(server.received.length, 0);
  });

  it("rejects an HTTP error with its status, and never with the URL", async () => {
    server.answer = 500;
    const chat = new WebhookChat({ kind: "slack", url: async () => server.url });
    const error = await chat.post(MESSAGE).then(
      () => assert.fail("a 500 must reject"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ChatWebhookError);
    assert.equal(error.status, 500);
    assert.equal(error.message, "the slack webhook answered HTTP 500");
    assert.doesNotMatch(JSON.stringify({ ...error, message: error.message, stack: error.stack }), /T0KEN/);
  });

  it("gives up on a webhook that does not answer, after the timeout", async () => {
    server.answer = "hang";
    const chat = new WebhookChat({ kind: "google-chat", url: async () => server.url, timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(chat.post(MESSAGE), {
      name: "ChatWebhookError",
      message: "the google-chat webhook did not answer within 300 ms",
    });
    const waited = Date.now() - started;
    assert.ok(waited >= 250 && waited < 5_000, `waited ${waited} ms`);
  });

  it("reports an unreachable webhook by its error code only", async () => {
    const closed = await startWebhookServer();
    const url = closed.url;
    await closed.close();
    const chat = new WebhookChat({ kind: "slack", url: async () => url });
    const error = await chat.post(MESSAGE).then(
      () => assert.fail("a closed port must reject"),
      (caught: unknown) => caught as Error,
    );
    assert.equal(error.message, "the slack webhook could not be reached (ECONNREFUSED)");
    assert.doesNotMatch(String(error.stack), /T0KEN|127\.0\.0\.1/);
  });
});
