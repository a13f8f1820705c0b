// The cloud handler refuses a run date that cannot be a complete business day yet: the message is rejected
// (acknowledged, not retried), the step never runs and the log says why.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../functions/shared/config.ts";
import { createStepEventHandler, type HandlerRuntime } from "../../functions/shared/handler.ts";
import type { Logger } from "../../functions/shared/ports.ts";
import { toPubSubCloudEvent } from "../../functions/shared/pubsub-envelope.ts";
import type { Ports } from "../../functions/shared/step.ts";

// 2026-11-30 03:00 UTC is still 2026-11-29 in New York: the latest complete day there is 2026-11-28.
const NOW = new Date("2026-11-30T03:00:00Z");

function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message: string) => void lines.push(message),
    error: (message: string, fields?: unknown) =>
      void lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
    child: () => logger,
  } as unknown as Logger;
  return logger;
}

describe("step handler and the run date", () => {
  for (const [step, runDate] of [
    ["ingest", "2030-01-01"],
    ["ingest", "2026-11-29"],
    ["export", "2026-11-29"],
  ] as const) {
    it(`rejects ${runDate} on ${step}: after the latest complete day in the shop's time zone`, async () => {
      const lines: string[] = [];
      let ran = 0;
      const runtime: HandlerRuntime = {
        config: loadConfig({ env: { PULSE_TIMEZONE: "America/New_York" }, cwd: "/tmp" }),
        ports: { clock: { now: () => NOW } } as unknown as Ports,
        log: recordingLogger(lines),
      };
      const handler = createStepEventHandler(
        step,
        async () => {
          ran += 1;
          return {};
        },
        async () => runtime,
      );
      const event = toPubSubCloudEvent(
        `pulse-${step}`,
        "m-1",
        { data: { runDate, runId: "r-1", trigger: "manual", options: { skip: [] } } },
        NOW,
      );
      assert.equal(await handler(event), "rejected");
      assert.equal(ran, 0, "the step did not run");
      assert.ok(
        lines.some((line) =>
          line.includes(
            `run date ${runDate} is after the latest complete day in the shop's time zone (2026-11-28`,
          ),
        ),
        lines.join("\n"),
      );
    });
  }
});

describe("the scheduler's start message and its publish time", () => {
  // Published at 23:50 on 2026-11-29 in New York (the latest complete day then: 2026-11-28); its deliveries come
  // at 23:50 and, retried, at 00:10 on 2026-11-30 there.
  const PUBLISHED = new Date("2026-11-30T04:50:00Z");
  const DELIVERIES = [new Date("2026-11-30T04:50:02Z"), new Date("2026-11-30T05:10:00Z")];

  it("runs the day the scheduler asked for on every delivery, under one run id", async () => {
    const seen: Record<string, unknown>[] = [];
    const stop = new Error("stop at the ledger");
    for (const now of DELIVERIES) {
      // runStep binds the run date and run id to its log, then reads the ledger: stop there.
      const logger: Logger = {
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: () => {},
        child: (fields: Record<string, unknown>) => {
          if ("runId" in fields) seen.push({ runDate: fields.runDate, runId: fields.runId });
          return logger;
        },
      } as unknown as Logger;
      const runtime: HandlerRuntime = {
        config: loadConfig({ env: { PULSE_TIMEZONE: "America/New_York" }, cwd: "/tmp" }),
        ports: {
          clock: { now: () => now },
          bucket: {
            scope: "shared",
            read: async () => {
              throw stop;
            },
          },
        } as unknown as Ports,
        log: logger,
      };
      const handler = createStepEventHandler(
        "ingest",
        async () => ({}),
        async () => runtime,
      );
      const event = toPubSubCloudEvent("pulse-ingest", "m-7", { data: { trigger: "scheduler" } }, PUBLISHED);
      await assert.rejects(handler(event), (error) => error === stop);
    }
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[0], seen[1], "the same run date and run id on both deliveries");
    assert.equal(seen[0]?.runDate, "2026-11-28");
  });
});
