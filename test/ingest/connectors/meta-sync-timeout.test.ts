// Meta answers a synchronous insights request that is too big to finish in time with error 100, subcode 1504018,
// or error 2, subcode 1504038 ("Your request timed out. Try a smaller date range, fetch less data, or use async
// jobs.": Ads Insights API error codes). An ad account with many ads gets it on every run for the same 28 days, so
// the Meta connector must ask for the same range as an asynchronous report run instead of failing. Expected rows
// come from the server's fixture.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildPlatformData, META_ACCOUNTS, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

const LOOKBACK_START = addDays(RUN_DATE, -6); // the bench's seven-day lookback

describe("Meta insights too big for a synchronous answer", () => {
  for (const metaSubcode of [1504018, 1504038] as const)
    it(`are asked again as a report run, and every row lands (subcode ${metaSubcode})`, async () => {
      const data = buildPlatformData(72);
      const bench = await openBench(data, {
        faults: [{ platform: "facebook_ads", request: 1, through: 1_000, kind: "timeout", metaSubcode }],
      });
      try {
        const result = await bench.pull(RUN_DATE);
        assert.deepEqual(result.findings, [], JSON.stringify(result.findings));
        const expected = data.metaInsights
          .filter((row) => row.date_start >= LOOKBACK_START && row.date_start <= RUN_DATE)
          .map((row) => `${row.account_id} ${row.date_start} ${row.ad_id}`)
          .sort();
        const landed = await bench.rows<{ key: string }>(
          `SELECT account_id || ' ' || date_start::VARCHAR || ' ' || ad_id AS key
         FROM raw.facebook_ads_insights ORDER BY key`,
        );
        assert.deepEqual(
          landed.map((row) => row.key),
          expected,
        );
        // One report run started per account, for the same range.
        const runs = bench.server.requests.filter(
          (request) => request.platform === "facebook_ads" && request.method === "POST",
        );
        assert.deepEqual(
          runs.map((request) => request.path).sort(),
          META_ACCOUNTS.map((account) => `/v24.0/act_${account}/insights`).sort(),
        );
        for (const run of runs)
          assert.deepEqual(JSON.parse(run.params.time_range ?? "{}"), {
            since: LOOKBACK_START,
            until: RUN_DATE,
          });
      } finally {
        await bench.close();
      }
    });
});
