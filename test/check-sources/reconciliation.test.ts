// Reconciliation against the local platform server: a clean shop matches on every metric (several seeds); a
// platform whose row endpoints lose ~3 % of Meta spend for one account, and of Shopify's orders, on named days,
// is caught, with both numbers computed here from the server's fixture data.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reconciliationPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import {
  compareTotals,
  reconciliationWindow,
  runReconciliation,
} from "../../functions/check-sources/reconciliation.ts";
import { dayIn, type Loss } from "../../tools/demo-apis/server.ts";
import {
  buildPlatformData,
  inReconciliationWindow as inWindow,
  META_ACCOUNTS,
  PULL_ALL,
  RUN_DATE,
  RECONCILIATION_WINDOW as WINDOW,
} from "../ingest/connectors/fixtures.ts";
import { openBench } from "../ingest/connectors/harness.ts";

describe("reconciliation", () => {
  it("the window is the 14 days ending two days before the run date", () => {
    assert.deepEqual(reconciliationWindow(RUN_DATE, { windowDays: 14, endOffsetDays: 2 }), WINDOW);
  });

  it("compares totals within the tolerance and names the days that differ", () => {
    const api = new Map([
      ["2026-11-01", { spend: 100 }],
      ["2026-11-02", { spend: 100 }],
    ]);
    const near = new Map([
      ["2026-11-01", { spend: 99 }],
      ["2026-11-02", { spend: 100 }],
    ]);
    const far = new Map([
      ["2026-11-01", { spend: 100 }],
      ["2026-11-02", { spend: 94 }],
    ]);
    assert.equal(compareTotals("facebook_ads", "1", api, near, 0.02)[0]?.status, "MATCH");
    const [spend] = compareTotals("facebook_ads", "1", api, far, 0.02);
    assert.equal(spend?.status, "MISMATCH");
    assert.equal(spend?.difference, -6);
    assert.deepEqual(spend?.days, [{ day: "2026-11-02", api: 100, warehouse: 94 }]);
  });

  for (const seed of [1, 8, 21]) {
    it(`seed ${seed}: a clean shop matches on every metric and raises nothing`, async () => {
      const bench = await openBench(buildPlatformData(seed, RUN_DATE, 30));
      try {
        assert.deepEqual((await bench.pull(RUN_DATE, PULL_ALL)).findings, []);
        const result = await runReconciliation(bench.context(RUN_DATE, PULL_ALL), bench.io);
        // Shopify 2 metrics, two Meta accounts, TikTok and Google 3 each.
        assert.equal(result.entries.length, 2 + 2 * 3 + 3 + 3);
        assert.deepEqual(
          result.entries.filter((entry) => entry.status !== "MATCH"),
          [],
        );
        assert.deepEqual(
          result.findings.map((finding) => finding.severity),
          ["info"],
        );
        assert.equal(result.metrics["reconciliation.mismatches"], 0);
      } finally {
        await bench.close();
      }
    });
  }

  it("finds a 3 % loss of one Meta account's spend and of Shopify's orders, on the days it happened", async () => {
    const data = buildPlatformData(4, RUN_DATE, 30);
    const account = META_ACCOUNTS[0] ?? "";
    const metaRows = data.metaInsights.filter(
      (row) => row.account_id === account && inWindow(row.date_start),
    );
    const metaTotal = metaRows.reduce((sum, row) => sum + Number(row.spend), 0);
    // The loss drops the first ad's row of each lossy day: choose days that add up to 2.5–3.5 % of the spend.
    const firstOfDay = new Map<string, number>();
    for (const row of metaRows)
      if (!firstOfDay.has(row.date_start)) firstOfDay.set(row.date_start, Number(row.spend));
    const candidates = [...firstOfDay.entries()];
    let metaDays: string[] = [];
    for (const [a, spendA] of candidates) {
      if (spendA / metaTotal >= 0.025 && spendA / metaTotal <= 0.035) metaDays = [a];
      for (const [b, spendB] of candidates)
        if (
          !metaDays.length &&
          a < b &&
          (spendA + spendB) / metaTotal >= 0.025 &&
          (spendA + spendB) / metaTotal <= 0.035
        )
          metaDays = [a, b];
      if (metaDays.length) break;
    }
    assert.ok(metaDays.length > 0, "some days make a 3 % loss");
    const lostSpend = metaDays.reduce((sum, day) => sum + (firstOfDay.get(day) ?? 0), 0);

    const orders = data.shopifyOrders.filter(
      (order) => !order.cancelledAt && inWindow(dayIn(order.createdAt, data.shopTimezone)),
    );
    const shopDays = [addDays(WINDOW.startDate, 3), addDays(WINDOW.startDate, 9)];
    const losses: Loss[] = [
      ...metaDays.map((day) => ({ platform: "facebook_ads" as const, account, day, share: 0.34 })),
      ...shopDays.map((day) => ({ platform: "shopify" as const, day, share: 0.2 })),
    ];
    // The orders the lossy endpoint leaves out: the first 20 % (rounded) of each named day's orders, cancelled or not.
    let lostOrders = 0;
    for (const day of shopDays) {
      const ofDay = data.shopifyOrders.filter((order) => dayIn(order.createdAt, data.shopTimezone) === day);
      lostOrders += ofDay
        .slice(0, Math.round(ofDay.length * 0.2))
        .filter((order) => !order.cancelledAt).length;
    }
    const lostShare = lostOrders / orders.length;
    assert.ok(lostShare > 0.02 && lostShare < 0.06, `an order loss near 3 % (${lostShare})`);

    const bench = await openBench(data, { losses });
    try {
      await bench.pull(RUN_DATE, PULL_ALL);
      const result = await runReconciliation(bench.context(RUN_DATE, PULL_ALL), bench.io);
      const entry = (source: string, metric: string, id = "") =>
        result.entries.find(
          (item) => item.source === source && item.metric === metric && item.account === id,
        );

      const spend = entry("facebook_ads", "spend", account);
      assert.equal(spend?.status, "MISMATCH");
      assert.equal(Math.round((spend?.api ?? 0) * 100), Math.round(metaTotal * 100));
      assert.equal(Math.round((spend?.warehouse ?? 0) * 100), Math.round((metaTotal - lostSpend) * 100));
      assert.deepEqual(spend?.days.map((day) => day.day).sort(), [...metaDays].sort());
      const other = result.entries.filter(
        (item) => item.source === "facebook_ads" && item.account !== account,
      );
      assert.ok(
        other.length === 3 && other.every((item) => item.status === "MATCH"),
        "the other account matches",
      );

      const count = entry("shopify", "orders");
      assert.equal(count?.status, "MISMATCH");
      assert.equal(count?.api, orders.length);
      assert.equal(count?.warehouse, orders.length - lostOrders);
      assert.deepEqual(count?.days.map((day) => day.day).sort(), shopDays);
      for (const source of ["tiktok_ads", "google_ads"])
        assert.ok(
          result.entries.filter((item) => item.source === source).every((item) => item.status === "MATCH"),
        );

      const critical = result.findings.filter((finding) => finding.severity === "critical");
      const spendFinding = critical.find((finding) => finding.subject === `facebook_ads:${account}:spend`);
      assert.match(
        spendFinding?.message ?? "",
        new RegExp(
          `MISMATCH: Meta Ads account ${account} spend for ${WINDOW.startDate}\\.\\.${WINDOW.endDate}`,
        ),
      );
      assert.match(spendFinding?.message ?? "", new RegExp(metaDays[0] ?? "none"));
      assert.ok(critical.some((finding) => finding.subject === "shopify:orders"));
      assert.ok((result.metrics["reconciliation.mismatches"] ?? 0) >= 2);
      assert.equal(result.metrics[`reconciliation.facebook_ads.${account}.spend.match`], 0);

      const stored = await bench.rows<{ status: string; n: number }>(
        `SELECT status, COUNT(*)::INT AS n FROM ops.reconciliation GROUP BY status ORDER BY status`,
      );
      assert.equal(
        stored.reduce((sum, row) => sum + row.n, 0),
        result.entries.length,
      );
      const file = JSON.parse((await bench.bucket.read(reconciliationPath(RUN_DATE)))?.toString() ?? "{}");
      assert.equal(file.entries.length, result.entries.length);
    } finally {
      await bench.close();
    }
  });

  it("an API that cannot be asked is a warning, and the other sources are still reconciled", async () => {
    const bench = await openBench(buildPlatformData(2, RUN_DATE, 30), {
      faults: [{ platform: "tiktok_ads", request: 1, through: 999, kind: "expired" }],
    });
    try {
      await bench.pull(RUN_DATE, { ...PULL_ALL, tiktok_ads: { enabled: false } });
      const result = await runReconciliation(bench.context(RUN_DATE, PULL_ALL), bench.io);
      const warning = result.findings.find((finding) => finding.check === "reconciliation_unavailable");
      assert.equal(warning?.source, "tiktok_ads");
      assert.match(warning?.message ?? "", /reconnect TikTok/);
      assert.ok(result.entries.some((entry) => entry.source === "shopify" && entry.status === "MATCH"));
    } finally {
      await bench.close();
    }
  });
});
