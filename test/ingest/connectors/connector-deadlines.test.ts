// No connector sleeps into ingest's function timeout (540 s, functions/shared/pipeline.json): killed mid-wait, the
// function would land nothing and say nothing. Every wait that would end less than 90 s before that timeout (counted
// from the step's start) is not begun: the connector fails at once with a connector_failed finding saying what it
// waited for, the other sources still land, and the next run tries again. Against the local platform server, on a
// clock that moves by every wait, as real time would; the deadline is worked out here from those numbers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { runConnectors } from "../../../functions/ingest/connectors/run.ts";
import type { StepContext } from "../../../functions/shared/step.ts";
import { clockedIo } from "../../support/scripted-server.ts";
import { buildPlatformData, META_ACCOUNTS, RUN_DATE } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

/** Ingest's function timeout, and the part of it the step keeps to finish and report once the connectors stop. */
const INGEST_TIMEOUT_SECONDS = 540;
const WRAP_UP_SECONDS = 90;
const START = new Date(`${RUN_DATE}T23:30:00Z`);
const STOP_WAITING = "the time by which ingest must stop waiting to finish within its function's timeout";

const ONLY = (source: "shopify" | "facebook_ads") =>
  Object.fromEntries(
    ["shopify", "facebook_ads", "tiktok_ads", "google_ads"]
      .filter((other) => other !== source)
      .map((other) => [other, { enabled: false }]),
  );

/**
 * The connectors' pull at START, the step having started `spentSeconds` before (on the ports' clock): the waits
 * move the io clock, and the connectors must stop waiting 540 − 90 − spentSeconds seconds after START.
 */
async function pullLate(
  bench: Bench,
  spentSeconds: number,
  overrides: Record<string, object>,
  runDate = RUN_DATE,
) {
  const clock = clockedIo(START);
  const context = bench.context(runDate, overrides);
  const stepContext: StepContext = {
    ...context,
    startedAt: new Date(START.getTime() - spentSeconds * 1000),
    ports: { ...context.ports, clock: { now: () => START } },
  };
  const result = await runConnectors(stepContext, clock.io);
  const budgetMs = (INGEST_TIMEOUT_SECONDS - WRAP_UP_SECONDS - spentSeconds) * 1000;
  return { result, clock, budgetMs, deadline: new Date(START.getTime() + budgetMs).toISOString() };
}

describe("connector waits and ingest's deadline", () => {
  it("a Meta rate limit expected to last past the deadline fails the connector at once, naming the account", async () => {
    // Every Meta answer is error 80004 with estimated_time_to_regain_access 1 (minute); 400 s of the step are
    // gone, so the connectors must stop waiting 50 s after they start.
    const bench = await openBench(buildPlatformData(81), {
      faults: [{ platform: "facebook_ads", request: 1, through: 99, kind: "throttled" }],
    });
    try {
      const { result, clock, deadline } = await pullLate(bench, 400, ONLY("facebook_ads"));
      assert.equal(result.findings.length, 1, JSON.stringify(result.findings));
      assert.equal(result.findings[0]?.check, "connector_failed");
      assert.equal(
        result.findings[0]?.message,
        `Meta Ads: the API pull failed (Meta rate-limited ad account act_${META_ACCOUNTS[0]} (error 80004/2446079: (#80004) There have been too many calls to this ad-account.) and expects access back in 1 minute (estimated_time_to_regain_access), at 2026-11-21T23:31:00.000Z: that is after ${deadline}, ${STOP_WAITING}; nothing more was asked, the next run tries again). Nothing half-written was kept; the next run pulls the same days again.`,
      );
      assert.deepEqual(clock.sleeps, []);
      assert.equal(bench.server.requests.filter((request) => request.platform === "facebook_ads").length, 1);
      assert.equal((await bench.rows("SELECT * FROM raw.facebook_ads_insights")).length, 0);
      assert.equal(await bench.bucket.read("state/connectors/facebook_ads.json"), undefined);
    } finally {
      await bench.close();
    }
  });

  it("Shopify's bulk polling stops at the deadline, before its bulkMaxPolls are spent", async () => {
    // 40 polls of 10 s (the defaults) would take 400 s; 200 s of the step are gone, 250 s are left: 25 polls.
    const bench = await openBench(buildPlatformData(82, RUN_DATE, 40), {
      shopifyBulk: { runningPolls: 1000 },
    });
    try {
      const { result, clock, budgetMs, deadline } = await pullLate(bench, 200, {
        shopify: { initialDays: 30, bulkThresholdDays: 14 },
        ...ONLY("shopify"),
      });
      assert.equal(result.findings.length, 1, JSON.stringify(result.findings));
      assert.equal(
        result.findings[0]?.message,
        `Shopify: the API pull failed (Shopify bulk operation gid://shopify/BulkOperation/1 was still RUNNING after 25 polls; before the next poll, a wait of 10 s would end after ${deadline}, ${STOP_WAITING}: nothing was landed, the next run polls it again). Nothing half-written was kept; the next run pulls the same days again.`,
      );
      assert.deepEqual(clock.sleeps, Array<number>(25).fill(10_000));
      assert.ok(clock.elapsedMs() <= budgetMs, `waited ${clock.elapsedMs()} ms`);
      assert.equal((await bench.rows("SELECT * FROM raw.shopify_orders")).length, 0);
      assert.equal(await bench.bucket.read("state/connectors/shopify.json"), undefined);
    } finally {
      await bench.close();
    }
  });

  it("the wait for an earlier run's bulk operation to be cancelled stops at the deadline; the next run finishes it", async () => {
    const bench = await openBench(buildPlatformData(83, RUN_DATE, 40), { shopifyBulk: { runningPolls: 4 } });
    const bulk = (pollSeconds: number, maxPolls: number) => ({
      shopify: {
        initialDays: 30,
        bulkThresholdDays: 14,
        bulkPollSeconds: pollSeconds,
        bulkMaxPolls: maxPolls,
      },
      ...ONLY("shopify"),
    });
    const nextDay = addDays(RUN_DATE, 1);
    try {
      // The first run gives up after 2 polls: its operation runs on.
      await bench.pull(RUN_DATE, bulk(3, 2));
      // A day later the range differs: that operation is cancelled, and polled every 60 s until it lets go of the
      // shop's bulk query; 420 s of the step are gone, 30 s are left, less than one poll's wait.
      const late = await pullLate(bench, 420, bulk(60, 40), nextDay);
      assert.equal(late.result.findings.length, 1, JSON.stringify(late.result.findings));
      assert.equal(
        late.result.findings[0]?.message,
        `Shopify: the API pull failed (Shopify bulk operation gid://shopify/BulkOperation/1, left running by an earlier run, was cancelled but had not let go of the shop's bulk query; before the next poll, a wait of 60 s would end after ${late.deadline}, ${STOP_WAITING}: nothing was landed, the next run tries again). Nothing half-written was kept; the next run pulls the same days again.`,
      );
      assert.deepEqual(late.clock.sleeps, []);
      assert.equal((await bench.rows("SELECT * FROM raw.shopify_orders")).length, 0);
      // The next run, with time to wait, sees the cancellation through and lands its own operation's orders.
      const next = await bench.pull(nextDay, bulk(3, 40));
      assert.deepEqual(next.findings, []);
      assert.ok((await bench.rows("SELECT * FROM raw.shopify_orders")).length > 0);
    } finally {
      await bench.close();
    }
  });

  it("a wait for Shopify's cost bucket that would end after the deadline is not begun", async () => {
    // A page of 8 orders costs 994 points (connectors.test.ts); 50 available, 50 restored a second: the second page
    // waits (994 − 50) / 50 s = 18.88 s. 440 s of the step are gone, 10 s are left.
    const bench = await openBench(buildPlatformData(84), {
      shopifyThrottle: { maximumAvailable: 1000, currentlyAvailable: 50, restoreRate: 50 },
    });
    try {
      const { result, clock, deadline } = await pullLate(bench, 440, ONLY("shopify"));
      assert.equal(result.findings.length, 1, JSON.stringify(result.findings));
      assert.equal(
        result.findings[0]?.message,
        `Shopify: the API pull failed (Shopify's query cost bucket held 50 points, refilling 50 a second, and the next query costs about 994; a wait of 18.88 s would end after ${deadline}, ${STOP_WAITING}). Nothing half-written was kept; the next run pulls the same days again.`,
      );
      assert.deepEqual(clock.sleeps, []);
      assert.equal((await bench.rows("SELECT * FROM raw.shopify_orders")).length, 0);
    } finally {
      await bench.close();
    }
  });
});
