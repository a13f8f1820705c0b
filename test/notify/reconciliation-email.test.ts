// Issue 16's line in the email, from a real reconciliation: the connectors pull the platform data from the demo
// API servers (real HTTP on 127.0.0.1) into DuckDB, one Meta account's endpoint then loses about 3 % of its spend
// on one or two days, check-sources' reconciliation writes its scoreboard, and notify reads it back. The expected
// line is worked out here from the platform data: 2 Shopify metrics + 3 metrics for each of 2 Meta accounts, 1
// TikTok advertiser and 1 Google Ads customer = 14 checks; the lossy account's spend mismatches, and so do its
// impressions and clicks when the dropped rows take more than the 2 % tolerance of them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runReconciliation } from "../../functions/check-sources/reconciliation.ts";
import { reconciliationLine } from "../../functions/notify/reconciliation-line.ts";
import { readScoreboard } from "../../functions/notify/summary-inputs.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import type { Loss } from "../../tools/demo-apis/server.ts";
import {
  buildPlatformData,
  GOOGLE_CUSTOMER,
  inReconciliationWindow as inWindow,
  META_ACCOUNTS,
  PULL_ALL,
  RUN_DATE,
  TIKTOK_ADVERTISER,
} from "../ingest/connectors/fixtures.ts";
import { openBench } from "../ingest/connectors/harness.ts";
import { buildReportData } from "../report/report-data-fixture.ts";

describe("the reconciliation line from a real reconciliation", { timeout: 120_000 }, () => {
  it("names each mismatch, its share and its days, and counts the checks that match", async () => {
    const data = buildPlatformData(4, RUN_DATE, 30);
    const account = META_ACCOUNTS[0] ?? "";
    const rows = data.metaInsights.filter((row) => row.account_id === account && inWindow(row.date_start));
    const total = rows.reduce((sum, row) => sum + Number(row.spend), 0);
    // The lossy endpoint drops the first ad's row of a day: pick one or two days that make 2.5–3.5 % of spend.
    const firstOfDay = new Map<string, number>();
    for (const row of rows)
      if (!firstOfDay.has(row.date_start)) firstOfDay.set(row.date_start, Number(row.spend));
    const share = (days: readonly string[]) =>
      days.reduce((sum, day) => sum + (firstOfDay.get(day) ?? 0), 0) / total;
    const days = [...firstOfDay.keys()];
    const pairs = days.flatMap((a) => days.filter((b) => a < b).map((b) => [a, b]));
    const lossDays = [...days.map((day) => [day]), ...pairs].find(
      (candidate) => share(candidate) >= 0.025 && share(candidate) <= 0.035,
    );
    assert.ok(lossDays, "some days make a 3 % loss");
    const losses: Loss[] = lossDays.map((day) => ({ platform: "facebook_ads", account, day, share: 0.34 }));

    const bench = await openBench(data, { losses });
    try {
      await bench.pull(RUN_DATE, PULL_ALL);
      await runReconciliation(bench.context(RUN_DATE, PULL_ALL), bench.io);
      const board = await readScoreboard(bench.context(RUN_DATE, PULL_ALL), RUN_DATE);

      const checks = 2 + 3 * (META_ACCOUNTS.length + [TIKTOK_ADVERTISER].length + [GOOGLE_CUSTOMER].length);
      const dayNumbers = lossDays.map((day) => Number(day.slice(8))).sort((a, b) => a - b);
      const [first, second] = dayNumbers;
      const when =
        second === undefined
          ? `${first} Nov`
          : second === (first ?? 0) + 1
            ? `${first}–${second} Nov`
            : `${first} Nov, ${second} Nov`;
      // The dropped rows take their impressions and clicks with them: each metric whose loss is over the 2 %
      // tolerance is a mismatch, in the scoreboard's order (spend, impressions, clicks).
      const lostShare = (metric: "spend" | "impressions" | "clicks") => {
        const of = (row: (typeof rows)[number]) => Number(row[metric]);
        const lost = lossDays.reduce((sum, day) => sum + of(rows.find((row) => row.date_start === day)!), 0);
        return lost / rows.reduce((sum, row) => sum + of(row), 0);
      };
      const mismatches = (["spend", "impressions", "clicks"] as const)
        .filter((metric) => lostShare(metric) > 0.02)
        .map(
          (metric) =>
            `Meta ${account} ${metric} MISMATCH ${(-lostShare(metric) * 100).toFixed(1)}% on ${when}`,
        );
      assert.ok(mismatches[0]?.includes(" spend "), "spend is one of them");
      const expected = `Sources vs their APIs: ${checks - mismatches.length} of ${checks} checks MATCH; ${mismatches.join("; ")}.`;
      assert.equal(reconciliationLine(board, "en-US"), expected);

      const { text, html } = buildSummaryEmail(buildReportData(), { reconciliation: board });
      assert.ok(text.includes(`\n${expected}\n`));
      assert.ok(html.includes(expected));
    } finally {
      await bench.close();
    }
  });

  it("has no line when the reconciliation is off", async () => {
    const data = buildPlatformData(5, RUN_DATE, 20);
    const bench = await openBench(data);
    try {
      const settings = { ...PULL_ALL, reconciliation: { enabled: false } };
      await bench.pull(RUN_DATE, settings);
      await runReconciliation(bench.context(RUN_DATE, settings), bench.io);
      const board = await readScoreboard(bench.context(RUN_DATE, settings), RUN_DATE);
      assert.equal(board, null);
      const { text } = buildSummaryEmail(buildReportData(), { reconciliation: board });
      assert.ok(!text.includes("their APIs"));
    } finally {
      await bench.close();
    }
  });
});
