import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  InvalidMessageError,
  isAfterLastStep,
  isStepSelected,
  parseRunMessage,
  resolveStartMessage,
} from "../../functions/shared/run-message.ts";

const valid = { runDate: "2026-11-21", runId: "cli-20261122T060000Z", trigger: "cli" };

describe("run message", () => {
  it("accepts a valid message and fills in default options", () => {
    const message = parseRunMessage(valid);
    assert.deepEqual(message.options, { skip: [], force: false, fullRefresh: false });
  });

  it("rejects impossible dates, unknown steps and unknown fields with the field named", () => {
    assert.throws(() => parseRunMessage({ ...valid, runDate: "2026-02-30" }), /runDate/);
    assert.throws(() => parseRunMessage({ ...valid, options: { from: "deploy" } }), /options\.from/);
    assert.throws(() => parseRunMessage({ ...valid, surprise: 1 }), InvalidMessageError);
    assert.throws(() => parseRunMessage({ ...valid, runId: "a b" }), /runId/);
    assert.throws(
      () => parseRunMessage({ ...valid, options: { from: "report", to: "transform" } }),
      /from must not come after/,
    );
  });

  it("resolves the scheduler's message to yesterday in the shop's time zone", () => {
    // 03:30 UTC on 22 Nov is still 21 Nov in New York: yesterday there is 20 Nov.
    const message = resolveStartMessage({}, new Date("2026-11-22T03:30:00Z"), "America/New_York");
    assert.equal(message.runDate, "2026-11-20");
    assert.equal(message.trigger, "scheduler");
    assert.match(message.runId, /^scheduler-20261122T033000Z$/);
    const tokyo = resolveStartMessage({}, new Date("2026-11-22T03:30:00Z"), "Asia/Tokyo");
    assert.equal(tokyo.runDate, "2026-11-21");
  });

  it("selects steps by from, to and skip", () => {
    const options = {
      from: "transform",
      to: "report",
      skip: ["export"],
      force: false,
      fullRefresh: false,
    } as const;
    const selected = [
      "ingest",
      "check-sources",
      "transform",
      "check-quality",
      "export",
      "report",
      "notify",
    ].filter((step) => isStepSelected(step as never, { ...options, skip: [...options.skip] }));
    assert.deepEqual(selected, ["transform", "check-quality", "report"]);
    assert.equal(isAfterLastStep("report", { ...options, skip: [] }), true);
    assert.equal(isAfterLastStep("export", { ...options, skip: [] }), false);
  });
});
