// The wiring: the ingest step runs the enabled connectors (their findings and metrics in its result), and
// check-sources reconciles them with the APIs; both with the real HTTP layer against the local server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCheckSources } from "../../../functions/check-sources/step.ts";
import { runIngest } from "../../../functions/ingest/step.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

describe("connectors in the steps", () => {
  it("ingest lands the APIs' rows and reports an expired token; check-sources reconciles", async () => {
    const bench = await openBench(buildPlatformData(9, RUN_DATE, 30), {
      faults: [{ platform: "google_ads", request: 1, through: 99, kind: "expired" }],
    });
    try {
      const settings = { facebook_ads: { lookbackDays: 30 }, tiktok_ads: { lookbackDays: 30 } };
      const ingest = await runIngest({ ...bench.context(RUN_DATE, settings), step: "ingest" });
      assert.ok((ingest.metrics?.["connector.shopify.rowsLanded"] ?? 0) > 0);
      assert.equal(ingest.metrics?.["connector.google_ads.failed"], 1);
      assert.deepEqual(
        ingest.findings?.map((finding) => `${finding.check}:${finding.source}`),
        ["connector_auth:google_ads"],
      );
      assert.match(
        ingest.summary ?? "",
        /connectors: Shopify \d+ rows, Meta Ads \d+ rows, TikTok Ads \d+ rows, Google Ads failed/,
      );

      const checked = await runCheckSources({ ...bench.context(RUN_DATE, settings), step: "check-sources" });
      // Shopify 2, two Meta accounts × 3, TikTok 3; Google Ads could not be asked (a warning).
      assert.equal(checked.metrics?.["reconciliation.checks"], 2 + 6 + 3);
      assert.equal(checked.metrics?.["reconciliation.mismatches"], 0);
      assert.ok(checked.findings?.some((finding) => finding.check === "reconciliation_unavailable"));
      assert.ok(checked.outputs?.some((path) => path.endsWith("/reconciliation.json")));
    } finally {
      await bench.close();
    }
  });
});
