// The reconciliation is the part of check-sources that waits on the platforms' APIs: it must stop in time for the
// rest of the step (its function's timeout, 300 s, less RECONCILIATION_WRAP_UP_MS), so that an API that does not
// answer is a warning and the run goes on, not a step killed at its timeout, delivered again and again by Pub/Sub.
// Meta's address here is a real local server that never answers; the step has already spent all but 0.4 s of its
// budget.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  RECONCILIATION_WRAP_UP_MS,
  runReconciliation,
} from "../../functions/check-sources/reconciliation.ts";
import { stepDefinition } from "../../functions/shared/pipeline.ts";
import { buildPlatformData, PULL_ALL, RUN_DATE } from "../ingest/connectors/fixtures.ts";
import { openBench } from "../ingest/connectors/harness.ts";
import { startStallingServer } from "../support/scripted-server.ts";

describe("the reconciliation's deadline", () => {
  it("gives up an API that does not answer before check-sources' timeout, as a warning naming the step", async () => {
    const silent = await startStallingServer();
    const bench = await openBench(buildPlatformData(3, RUN_DATE, 30));
    try {
      const onlyMeta = {
        ...PULL_ALL,
        shopify: { enabled: false },
        tiktok_ads: { enabled: false },
        google_ads: { enabled: false },
        facebook_ads: { ...PULL_ALL.facebook_ads, baseUrl: `${silent.url}/silent` },
        // A request may run 30 s past the deadline (REQUEST_GRACE_MS); 0.3 s here, to keep the test short.
        retry: { requestTimeoutSeconds: 0.3 },
      };
      const context = bench.context(RUN_DATE, onlyMeta);
      const budgetMs = stepDefinition("check-sources").timeoutSeconds * 1000 - RECONCILIATION_WRAP_UP_MS;
      const now = context.ports.clock.now();
      const started = performance.now();
      const result = await runReconciliation(
        { ...context, step: "check-sources", startedAt: new Date(now.getTime() - (budgetMs - 400)) },
        bench.io,
      );
      const elapsed = performance.now() - started;
      const warning = result.findings.find((finding) => finding.check === "reconciliation_unavailable");
      assert.equal(warning?.source, "facebook_ads");
      assert.equal(warning?.severity, "warning");
      assert.match(warning?.message ?? "", /^Meta Ads could not be reconciled: .*no answer within 0\.3 s/);
      assert.match(
        warning?.message ?? "",
        /a wait of 1 s would end after .*, the time by which check-sources must stop waiting to finish within its function's timeout/,
      );
      // 0.3 s of real time, not undici's five minutes a request.
      assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    } finally {
      await bench.close();
      await silent.close();
    }
  });
});
