// Posting a step's critical findings to the chat webhook: real HTTP server on 127.0.0.1, real folder bucket for
// the markers, and every log line captured to prove the webhook URL (a secret) never reaches the logs.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { WebhookChat } from "../../functions/adapters/chat/webhook-chat.ts";
import { chatAlertMarkerPath } from "../../functions/lib/bucket-layout.ts";
import { MAX_CHAT_LINES, postCriticalFindings } from "../../functions/lib/chat-alerts.ts";
import { createLogger } from "../../functions/lib/logger.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import type { Ledger } from "../../functions/shared/ledger.ts";
import type { Bus, Chat, Mailer, Secrets, Warehouse } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { germanLongDate, japaneseLongDate } from "../support/reader-dates.ts";
import { startWebhookServer, type WebhookServer } from "../support/webhook-server.ts";

const RUN_DATE = "2026-11-21";

function finding(check: string, subject: string, severity: Finding["severity"], message: string): Finding {
  return { check, subject, severity, message, step: "check-sources", blocking: false };
}

const STALE_META = finding(
  "source_freshness",
  "facebook_ads",
  "critical",
  "Meta Ads data is 5 days old (last day 2026-11-16). ROAS for Meta is not meaningful until it syncs again.",
);
const STALE_TIKTOK = finding(
  "source_freshness",
  "tiktok_ads",
  "critical",
  "TikTok Ads data is 4 days old (last day 2026-11-17). ROAS for TikTok is not meaningful until it syncs again.",
);
const VOLUME = finding("source_volume", "shopify", "warning", "Shopify landed fewer rows than usual.");

describe("critical findings to the chat webhook", () => {
  let server: WebhookServer;
  let root: string;
  let logLines: string[];

  before(async () => {
    server = await startWebhookServer();
  });
  after(() => server.close());
  beforeEach(async () => {
    server.received.length = 0;
    server.answer = 200;
    logLines = [];
    root = await mkdtemp(join(tmpdir(), "pulse-chat-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  function context(chat: Chat | undefined, runId = "run-1", locale = "en-US"): StepContext {
    return {
      step: "check-sources",
      message: parseRunMessage({ runDate: RUN_DATE, runId, trigger: "scheduler" }),
      config: loadConfig({ env: { PULSE_SHOP_NAME: "Maison Test", PULSE_LOCALE: locale }, cwd: root }),
      ports: {
        bucket: new FolderBucket(root),
        ...(chat ? { chat } : {}),
        warehouse: {} as Warehouse,
        bus: {} as Bus,
        mailer: {} as Mailer,
        secrets: {} as Secrets,
        clock: { now: () => new Date("2026-11-22T06:00:00Z") },
      },
      ledger: {} as Ledger,
      log: createLogger({ format: "json", minLevel: "debug", write: (line) => logLines.push(line) }),
    };
  }
  const slack = (timeoutMs?: number) =>
    new WebhookChat({ kind: "slack", url: async () => server.url, ...(timeoutMs ? { timeoutMs } : {}) });

  it("posts one message listing the criticals with their action, and nothing again on a re-run", async () => {
    assert.equal(await postCriticalFindings(context(slack()), [STALE_META, VOLUME, STALE_TIKTOK]), "posted");
    assert.equal(server.received.length, 1);
    const text = (JSON.parse(server.received[0]?.body ?? "") as { text: string }).text;
    // The en-US shop's dates as its email writes them ("Sat 21 Nov 2026"), not as the findings store them.
    assert.equal(
      text,
      "*Maison Test: 2 critical findings from check-sources for Sat 21 Nov 2026*\n" +
        "• Meta Ads data is 5 days old (last day Mon 16 Nov 2026). ROAS for Meta is not meaningful until it syncs again.\n" +
        "• TikTok Ads data is 4 days old (last day Tue 17 Nov 2026). ROAS for TikTok is not meaningful until it syncs again.",
    );
    // The same step re-run for the same date (a new run id, the same findings): nothing new to say.
    assert.equal(
      await postCriticalFindings(context(slack(), "run-2"), [STALE_META, VOLUME, STALE_TIKTOK]),
      "already-posted",
    );
    assert.equal(server.received.length, 1);
    // A re-run that finds a new critical posts that one only.
    const brokenPixel = finding(
      "attribution_broken",
      "meta",
      "critical",
      "Meta spent $2,135 with $0 revenue.",
    );
    assert.equal(
      await postCriticalFindings(context(slack(), "run-3"), [STALE_META, STALE_TIKTOK, brokenPixel]),
      "posted",
    );
    assert.equal(server.received.length, 2);
    assert.match(
      (JSON.parse(server.received[1]?.body ?? "") as { text: string }).text,
      /^\*Maison Test: 1 critical finding from check-sources for Sat 21 Nov 2026\*\n• Meta spent \$2,135 with \$0 revenue\.$/,
    );
  });

  it("lists at most MAX_CHAT_LINES criticals and points to the anomalies file for the rest", async () => {
    const many = Array.from({ length: MAX_CHAT_LINES + 5 }, (_, index) =>
      finding("reconciliation", `metric ${index}`, "critical", `Mismatch number ${index}.`),
    );
    assert.equal(await postCriticalFindings(context(slack()), many), "posted");
    const lines = (JSON.parse(server.received[0]?.body ?? "") as { text: string }).text.split("\n");
    assert.equal(
      lines[0],
      `*Maison Test: ${MAX_CHAT_LINES + 5} critical findings from check-sources for Sat 21 Nov 2026*`,
    );
    assert.equal(lines.length, 1 + MAX_CHAT_LINES + 1);
    assert.equal(MAX_CHAT_LINES, 15, "README, Chat alerts: at most 15");
    assert.equal(lines.at(-2), `• Mismatch number ${MAX_CHAT_LINES - 1}.`);
    // A path: its date stays as the bucket names it.
    assert.equal(lines.at(-1), `• …and 5 more: see runs/dt=${RUN_DATE}/anomalies.md.`);
    assert.equal(await postCriticalFindings(context(slack(), "run-2"), many), "already-posted");
  });

  for (const [locale, longDate] of [
    ["de-DE", germanLongDate],
    ["ja-JP", japaneseLongDate],
  ] as const)
    it(`writes the run date and the findings' dates as ${locale} does`, async () => {
      assert.equal(
        await postCriticalFindings(context(slack(), "run-1", locale), [STALE_META, STALE_TIKTOK]),
        "posted",
      );
      const text = (JSON.parse(server.received[0]?.body ?? "") as { text: string }).text;
      assert.equal(
        text,
        `*Maison Test: 2 critical findings from check-sources for ${longDate(RUN_DATE)}*\n` +
          `• Meta Ads data is 5 days old (last day ${longDate("2026-11-16")}). ROAS for Meta is not meaningful until it syncs again.\n` +
          `• TikTok Ads data is 4 days old (last day ${longDate("2026-11-17")}). ROAS for TikTok is not meaningful until it syncs again.`,
      );
      // The marker keeps what was posted by the findings' keys, whatever the locale: a re-run posts nothing.
      assert.equal(
        await postCriticalFindings(context(slack(), "run-2", locale), [STALE_META, STALE_TIKTOK]),
        "already-posted",
      );
    });

  it("posts nothing without a critical finding", async () => {
    assert.equal(await postCriticalFindings(context(slack()), [VOLUME]), "no-criticals");
    assert.equal(server.received.length, 0);
  });

  it("posts nothing when no chat is configured, or when its URL secret is missing", async () => {
    assert.equal(await postCriticalFindings(context(undefined), [STALE_META]), "not-configured");
    const withoutUrl = new WebhookChat({ kind: "google-chat", url: async () => undefined });
    assert.equal(await postCriticalFindings(context(withoutUrl), [STALE_META]), "not-configured");
    assert.equal(server.received.length, 0);
    assert.equal(await new FolderBucket(root).exists(chatAlertMarkerPath(RUN_DATE, "check-sources")), false);
  });

  it("tolerates a failing webhook (HTTP 500, timeout) with a warning, and tries again on the next run", async () => {
    server.answer = 500;
    assert.equal(await postCriticalFindings(context(slack()), [STALE_META]), "failed");
    server.answer = "hang";
    assert.equal(await postCriticalFindings(context(slack(200)), [STALE_META]), "failed");
    const warnings = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      warnings.map((line) => [line.severity, line.error]),
      [
        ["WARNING", "the slack webhook answered HTTP 500"],
        ["WARNING", "the slack webhook did not answer within 200 ms"],
      ],
    );
    server.answer = 200;
    assert.equal(await postCriticalFindings(context(slack()), [STALE_META]), "posted");
    assert.equal(server.received.length, 3, "two failed attempts, then the post that was accepted");
  });

  it("never writes the webhook URL to the logs", async () => {
    await postCriticalFindings(context(slack()), [STALE_META]);
    server.answer = 404;
    await postCriticalFindings(context(slack()), [STALE_TIKTOK]);
    assert.ok(logLines.length >= 2, "there were log lines to check");
    for (const line of logLines) {
      assert.doesNotMatch(line, new RegExp(server.token));
      assert.doesNotMatch(line, /services\/hook/);
    }
  });
});
