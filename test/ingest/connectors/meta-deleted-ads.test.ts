// An ad deleted or archived in Ads Manager keeps the spend it had, in the account's totals, but an ad account's
// insights at level=ad return none of its stats unless the request filters on ad.effective_status naming its status
// (Marketing API, "Manage your ad object's status"). The local server answers so. The Meta connector re-pulls its
// lookback and replaces what earlier pulls landed for those days: it must land those ads' days too, or their spend
// leaves the warehouse on the next run. Expected sums come from the server's fixture rows, never from the connector.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildPlatformData, META_ACCOUNTS, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

const LOOKBACK_START = addDays(RUN_DATE, -6); // the bench's seven-day lookback
const ONLY_META = {
  shopify: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};

describe("Meta ads deleted or archived after they spent", () => {
  for (const asyncAboveDays of [30, 1])
    it(`still land their days, whatever their status (${asyncAboveDays === 1 ? "async report run" : "pages"})`, async () => {
      const data = buildPlatformData(71);
      const [account] = META_ACCOUNTS;
      // The fixture's ads of the first account are `${account}030`, …031, …032: one deleted, one archived.
      data.metaAdStatuses = { [`${account}030`]: "DELETED", [`${account}031`]: "ARCHIVED" };
      const bench = await openBench(data);
      try {
        const result = await bench.pull(RUN_DATE, { ...ONLY_META, facebook_ads: { asyncAboveDays } });
        assert.deepEqual(result.findings, []);
        const expected = new Map<string, number>();
        for (const row of data.metaInsights) {
          if (row.date_start < LOOKBACK_START || row.date_start > RUN_DATE) continue;
          const key = `${row.account_id} ${row.ad_id}`;
          expected.set(key, Math.round(((expected.get(key) ?? 0) + Number(row.spend)) * 100) / 100);
        }
        const landed = await bench.rows<{ key: string; spend: number }>(
          `SELECT account_id || ' ' || ad_id AS key, ROUND(SUM(spend), 2)::DOUBLE AS spend
           FROM raw.facebook_ads_insights GROUP BY 1 ORDER BY 1`,
        );
        assert.deepEqual(
          landed.map((row) => [row.key, row.spend]),
          [...expected.entries()].sort(([a], [b]) => a.localeCompare(b)),
        );
      } finally {
        await bench.close();
      }
    });
});
