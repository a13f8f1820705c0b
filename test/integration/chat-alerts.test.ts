// The chat alerts in a real local run: the demo shop with its injected problems (stale Meta and TikTok, broken
// attribution) runs ingest → check-sources → transform → check-quality with chat.kind set and the webhook URL in
// the Secrets port, against a real HTTP server on 127.0.0.1. Each check step posts its criticals once; a forced
// re-run of the same date posts nothing more; the URL appears in no log line.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, type DemoManifest, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { createLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { parseRunMessage, type RunOptions } from "../../functions/shared/run-message.ts";
import { englishLongDate } from "../support/reader-dates.ts";
import { fixedSecrets, TEST_PII_KEY } from "../support/secrets.ts";
import { startWebhookServer, type WebhookServer } from "../support/webhook-server.ts";

const RUN_DATE = "2026-11-21";

describe("critical findings to Google Chat in a local run of the demo shop", { timeout: 180_000 }, () => {
  let server: WebhookServer;
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  let manifest: DemoManifest;
  const logLines: string[] = [];

  async function run(runId: string, options: Partial<RunOptions>) {
    const message = parseRunMessage({
      runDate: RUN_DATE,
      runId,
      trigger: "manual",
      options: { skip: [], ...options },
    });
    return runLocally(config, message, {
      log: createLogger({ format: "json", minLevel: "debug", write: (line) => logLines.push(line) }),
      secrets: fixedSecrets({ piiHashKey: TEST_PII_KEY, chatWebhookUrl: server.url }),
      warehouse,
    });
  }
  const texts = () => server.received.map((post) => (JSON.parse(post.body) as { text: string }).text);

  before(async () => {
    server = await startWebhookServer();
    workDir = await mkdtemp(join(tmpdir(), "pulse-chat-run-"));
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_CHAT_KIND: "google-chat" }, cwd: workDir });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    manifest = await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(RUN_DATE),
      startDate: addDays(RUN_DATE, -119),
      ordersPerDay: 40,
      problems: true,
    });
    await run("first", { to: "check-quality" });
  });
  after(async () => {
    await warehouse?.close();
    await server?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("posts one message per check step, each listing that step's criticals", () => {
    assert.equal(server.received.length, 2, texts().join("\n---\n"));
    const [sources, quality] = texts();
    const [meta, tiktok] = manifest.injected.staleSources;
    // The demo shop's dates as its en-US readers read them (the run date is Saturday 21 November 2026).
    assert.match(
      sources ?? "",
      /^\*Maison Demo: 2 critical findings from check-sources for Sat 21 Nov 2026\*\n/,
    );
    const lastDay = (day: string | undefined) => englishLongDate(day ?? "");
    assert.ok(
      sources?.includes(`• Meta Ads data is 5 days old (last day ${lastDay(meta?.lastDay)})`),
      sources,
    );
    assert.ok(
      sources?.includes(`• TikTok Ads data is 4 days old (last day ${lastDay(tiktok?.lastDay)})`),
      sources,
    );
    assert.match(
      quality ?? "",
      /^\*Maison Demo: 2 critical findings from check-quality for Sat 21 Nov 2026\*\n/,
    );
    for (const { channel } of manifest.injected.brokenAttribution) {
      const label = channel === "meta" ? "Meta" : "TikTok";
      assert.match(quality ?? "", new RegExp(`• ${label} spent \\$[\\d,]+ with \\$0 attributed revenue`));
    }
    for (const post of server.received)
      assert.equal(post.headers["content-type"], "application/json; charset=UTF-8");
  });

  it("posts nothing more when the same date's checks are re-run", async () => {
    const report = await run("again", { from: "check-sources", to: "check-quality", force: true });
    const checks = report.records.filter((record) => record.step.startsWith("check-"));
    assert.deepEqual(
      checks.map((record) => `${record.step}:${record.status}`),
      ["check-sources:succeeded", "check-quality:succeeded"],
    );
    assert.ok(checks.every((record) => record.findings.some((item) => item.severity === "critical")));
    assert.equal(server.received.length, 2);
  });

  it("never writes the webhook URL to the logs", () => {
    assert.ok(logLines.length > 10, `${logLines.length} log lines`);
    assert.ok(logLines.some((line) => /critical findings posted/.test(line)));
    for (const line of logLines) assert.ok(!line.includes(server.token), line);
  });
});
