// pulse rerun publishes the run message to the chosen step's topic, in the envelope the step's function decodes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InProcessBus } from "../../functions/adapters/bus/in-process-bus.ts";
import { planRerun, rerun, RerunUsageError, unfetchedRatesCaution } from "../../functions/cli/rerun.ts";
import pipeline from "../../functions/shared/pipeline.json" with { type: "json" };
import { decodePubSubData, type PubSubCloudEvent } from "../../functions/shared/pubsub-envelope.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";

const NOW = new Date("2026-11-22T09:30:00Z");
const exportTopic = pipeline.steps.find((step) => step.name === "export")?.topic ?? "";

describe("pulse rerun", () => {
  it("publishes the run message for the date to the step's topic, which the step's function accepts", async () => {
    const bus = new InProcessBus({ maxDeliveryAttempts: 5, deadLetterTopic: pipeline.deadLetterTopic });
    const received: PubSubCloudEvent[] = [];
    bus.subscribe(exportTopic, async (event) => {
      received.push(event);
    });
    const lines: string[] = [];
    const code = await rerun(
      ["--from", "export", "--date", "2026-11-20", "--force", "--project", "shop-analytics"],
      {},
      { bus, write: (line) => lines.push(line), now: NOW },
    );
    assert.equal(code, 0);
    await bus.drain();
    assert.equal(received.length, 1, "one message on pulse-export");
    const message = parseRunMessage(decodePubSubData(received[0]).data);
    assert.equal(message.runDate, "2026-11-20");
    assert.equal(message.trigger, "manual");
    assert.equal(message.options.from, "export");
    assert.equal(message.options.force, true);
    assert.equal(message.options.fullRefresh, false);
    assert.match(message.runId, /^manual-/);
    assert.match(lines.join("\n"), new RegExp(`to ${exportTopic} \\(project shop-analytics`));
  });

  it("takes the project from PULSE_PROJECT_ID and leaves steps already done alone without --force", () => {
    const request = planRerun(
      ["--from", "transform", "--date", "2026-11-20"],
      { PULSE_PROJECT_ID: "p-1" },
      NOW,
    );
    assert.equal(request.projectId, "p-1");
    assert.equal(request.topic, pipeline.steps.find((step) => step.name === "transform")?.topic);
    assert.equal(request.message.options.force, false);
  });

  it("refuses a missing step, a bad date, an unknown step or no project, with exit status 2", async () => {
    const env = { PULSE_PROJECT_ID: "p" };
    assert.throws(() => planRerun(["--date", "2026-11-20"], env, NOW), /--from STEP is required/);
    assert.throws(() => planRerun(["--from", "export", "--date", "2026-02-30"], env, NOW), RerunUsageError);
    assert.throws(
      () => planRerun(["--from", "deploy", "--date", "2026-11-20"], env, NOW),
      /--from must be one of/,
    );
    assert.throws(() => planRerun(["--from", "export", "--date", "2026-11-20"], {}, NOW), /no project/);
    const bus = new InProcessBus({ maxDeliveryAttempts: 5, deadLetterTopic: pipeline.deadLetterTopic });
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      assert.equal(await rerun(["--from", "export"], env, { bus }), 2);
      assert.equal(await rerun(["--bogus"], env, { bus }), 2);
    } finally {
      process.stderr.write = stderr;
    }
    assert.equal(bus.published.length, 0, "nothing published on bad usage");
  });
  it("a --full-refresh without ingest says that no exchange rate is fetched, and the rerun that fetches them", async () => {
    const bus = new InProcessBus({ maxDeliveryAttempts: 5, deadLetterTopic: pipeline.deadLetterTopic });
    const lines: string[] = [];
    const argv = ["--from", "transform", "--date", "2026-11-20", "--full-refresh", "--force"];
    const code = await rerun(
      argv,
      { PULSE_PROJECT_ID: "p-1" },
      { bus, write: (line) => lines.push(line), now: NOW },
    );
    assert.equal(code, 0);
    assert.equal(
      lines[1],
      "Exchange rates: ingest does not run in this rerun, so none is fetched: older ad days spent in another currency than the shop's that have no rate count 0 in the rebuilt history. To fetch their rates too: npm start -- rerun --from ingest --date 2026-11-20 --full-refresh --force --project p-1",
    );
    const caution = (...args: string[]) =>
      unfetchedRatesCaution(planRerun([...args, "--date", "2026-11-20"], { PULSE_PROJECT_ID: "p-1" }, NOW));
    assert.match(caution("--from", "ingest", "--skip", "ingest", "--full-refresh") ?? "", /^Exchange rates/);
    // Ingest runs (and fetches), the transform rebuilds its window only, or no transform runs: nothing to say.
    assert.equal(caution("--from", "ingest", "--full-refresh"), null);
    assert.equal(caution("--from", "transform"), null);
    assert.equal(caution("--from", "export", "--full-refresh"), null);
  });
});
