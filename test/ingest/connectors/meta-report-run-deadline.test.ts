// A Meta report run (an asynchronous insights job) that is still running must not keep ingest polling past its Cloud
// Function's timeout (540 s, functions/shared/pipeline.json): the function would be killed mid-run, with no finding,
// no ledger record of what happened and no email. The polling stops in time for the step to finish and report: a
// connector_failed finding naming the report run, nothing of that account landed, its cursor where it was, so the
// next run asks for the same days again. The clock here moves by every wait, as real time would.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runConnectors } from "../../../functions/ingest/connectors/run.ts";
import type { ApiIo } from "../../../functions/lib/platform-apis/http.ts";
import type { StepContext } from "../../../functions/shared/step.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

/** Ingest's function timeout, and the part of it the step keeps to finish and report once the connectors stop. */
const INGEST_TIMEOUT_MS = 540_000;
const WRAP_UP_MS = 90_000;

/** An io on the real fetch whose clock moves by each wait (and by 1 ms a reading), starting at `start`. */
function movingClockIo(start: number) {
  let clock = start;
  const sleeps: number[] = [];
  const io: ApiIo = {
    fetch: (input, init) => fetch(input, init),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => new Date(clock++),
  };
  return { io, sleeps, elapsedMs: () => clock - start };
}

describe("a Meta report run still running when ingest must finish", () => {
  it("stops polling before the function's timeout and is a connector_failed finding naming the run", async () => {
    const data = buildPlatformData(73);
    // Every report run answers "Job Running" for as long as it is asked.
    const bench = await openBench(data, { metaReportRunningPolls: 1_000 });
    try {
      const start = Date.parse(`${RUN_DATE}T23:30:00Z`);
      const { io, sleeps, elapsedMs } = movingClockIo(start);
      const context = bench.context(RUN_DATE, { facebook_ads: { asyncAboveDays: 1 } });
      // The step started 60 s before the connectors, on the ports' clock (the file drops took that long).
      const stepContext: StepContext = {
        ...context,
        startedAt: new Date(start - 60_000),
        ports: { ...context.ports, clock: { now: () => new Date(start) } },
      };
      const result = await runConnectors(stepContext, io);

      // 60 s had gone before the connectors: they stop waiting 540 − 90 − 60 = 390 s after they started.
      const waited = sleeps.reduce((sum, ms) => sum + ms, 0);
      assert.ok(waited <= INGEST_TIMEOUT_MS - WRAP_UP_MS - 60_000, `waited ${waited} ms`);
      assert.ok(elapsedMs() <= INGEST_TIMEOUT_MS - WRAP_UP_MS - 60_000, `took ${elapsedMs()} ms`);
      // Not given up early either: the next poll's wait (10 s at most) would have crossed that instant.
      assert.ok(elapsedMs() > INGEST_TIMEOUT_MS - WRAP_UP_MS - 60_000 - 10_000, `took ${elapsedMs()} ms`);
      const meta = result.findings.filter((finding) => finding.source === "facebook_ads");
      assert.equal(meta.length, 1, JSON.stringify(result.findings));
      assert.equal(meta[0]?.check, "connector_failed");
      assert.match(meta[0]?.message ?? "", /report run 6000000 /);
      assert.match(meta[0]?.message ?? "", /still running/);
      assert.match(meta[0]?.message ?? "", /the next run pulls the same days again\.$/);
      // The other sources still landed; nothing of Meta did, and its cursor did not move.
      assert.deepEqual(
        result.findings.filter((finding) => finding.source !== "facebook_ads"),
        [],
      );
      assert.equal((await bench.rows("SELECT * FROM raw.facebook_ads_insights")).length, 0);
      assert.equal(await bench.bucket.read("state/connectors/facebook_ads.json"), undefined);
    } finally {
      await bench.close();
    }
  });
});
