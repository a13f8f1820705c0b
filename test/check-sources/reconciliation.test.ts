// Reconciliation against the local platform server: a clean shop matches on every metric (several seeds); a
// platform whose row endpoints lose ~3 % of Meta spend for one account, and of Shopify's orders, on named days,
// is caught, with both numbers computed here from the server's fixture data.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reconciliationPath } from "../../functions/lib/bucket-layout.ts";
import {
  RECONCILIATION_COLUMNS,
  RECONCILIATION_TABLE,
} from "../../functions/lib/quality/reconciliation-table.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { createLogger } from "../../functions/lib/logger.ts";
import {
  compareTotals,
  reconciliationFindings,
  reconciliationWindow,
  runReconciliation,
} from "../../functions/check-sources/reconciliation.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { findingActions } from "../../functions/report/deck-actions.ts";
import { dayIn, type Loss, TOKENS } from "../../tools/demo-apis/server.ts";
import {
  buildPlatformData,
  inReconciliationWindow as inWindow,
  GOOGLE_CUSTOMER,
  META_ACCOUNTS,
  PULL_ALL,
  RUN_DATE,
  RECONCILIATION_WINDOW as WINDOW,
  TIKTOK_ADVERTISER,
  TIMEZONE,
} from "../ingest/connectors/fixtures.ts";
import { openBench } from "../ingest/connectors/harness.ts";
import { buildReportData } from "../report/report-data-fixture.ts";

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
    assert.equal(compareTotals("facebook_ads", "1", api, near, 0.02, "USD")[0]?.status, "MATCH");
    const [spend] = compareTotals("facebook_ads", "1", api, far, 0.02, "USD");
    assert.equal(spend?.status, "MISMATCH");
    assert.equal(spend?.difference, -6);
    assert.deepEqual(spend?.days, [{ day: "2026-11-02", api: 100, warehouse: 94 }]);
  });

  it("keeps a dinar shop's totals to the fils and a yen shop's to the whole yen, in the entries and the finding", () => {
    // Kuwaiti dinars (three places): 12.3456 + 7.0004 = 19.3460 from the API, 12.3456 + 6.5001 = 18.8457 in the
    // warehouse: 19.346 against 18.846, a difference of -0.500, -0.5 / 19.346 = -2.58 %.
    const kwdApi = new Map([
      ["2026-11-01", { spend: 12.3456, impressions: 1000, clicks: 10 }],
      ["2026-11-02", { spend: 7.0004, impressions: 1000, clicks: 10 }],
    ]);
    const kwdWarehouse = new Map([
      ["2026-11-01", { spend: 12.3456, impressions: 1000, clicks: 10 }],
      ["2026-11-02", { spend: 6.5001, impressions: 1000, clicks: 10 }],
    ]);
    const kwd = compareTotals("facebook_ads", "1", kwdApi, kwdWarehouse, 0.02, "KWD");
    assert.deepEqual(
      kwd.map((entry) => [
        entry.metric,
        entry.api,
        entry.warehouse,
        entry.difference,
        entry.relative,
        entry.status,
      ]),
      [
        ["spend", 19.346, 18.846, -0.5, -0.0258, "MISMATCH"],
        ["impressions", 2000, 2000, 0, 0, "MATCH"],
        ["clicks", 20, 20, 0, 0, "MATCH"],
      ],
    );
    assert.deepEqual(kwd[0]?.days, [{ day: "2026-11-02", api: 7, warehouse: 6.5 }]);
    const window = { startDate: "2026-11-01", endDate: "2026-11-02" };
    assert.match(
      reconciliationFindings(kwd, window, 0.02)[0]?.message ?? "",
      /spend for 2026-11-01\.\.2026-11-02 is 18\.846 in the warehouse against 19\.346 from the API, a difference of -0\.500 \(-2\.6%\), over the 2% tolerance\. Days off: 2026-11-02 \(6\.500 vs 7\)\./,
    );
    // A difference of 4 fils, under a cent: kept, not 0.
    const fils = compareTotals(
      "facebook_ads",
      "1",
      new Map([["2026-11-01", { spend: 100.004 }]]),
      new Map([["2026-11-01", { spend: 100 }]]),
      0.02,
      "KWD",
    );
    assert.equal(fils[0]?.difference, -0.004);

    // Yen (no places): 1234.4 + 1000.3 = 2234.7 from the API, 1100.1 + 1000.3 = 2100.4 in the warehouse: 2,235
    // against 2,100, a difference of -135, -135 / 2235 = -6.04 %; the day off 1,234 against 1,100.
    const yen = compareTotals(
      "shopify",
      "",
      new Map([
        ["2026-11-01", { orders: 12, revenue: 1234.4 }],
        ["2026-11-02", { orders: 10, revenue: 1000.3 }],
      ]),
      new Map([
        ["2026-11-01", { orders: 12, revenue: 1100.1 }],
        ["2026-11-02", { orders: 10, revenue: 1000.3 }],
      ]),
      0.02,
      "JPY",
    );
    const revenue = yen.find((entry) => entry.metric === "revenue");
    assert.deepEqual(
      [revenue?.api, revenue?.warehouse, revenue?.difference, revenue?.relative],
      [2235, 2100, -135, -0.0604],
    );
    assert.deepEqual(revenue?.days, [{ day: "2026-11-01", api: 1234, warehouse: 1100 }]);
    assert.match(
      reconciliationFindings(yen, window, 0.02)[0]?.message ?? "",
      /revenue for 2026-11-01\.\.2026-11-02 is 2,100 in the warehouse against 2,235 from the API, a difference of -135 \(-6\.0%\), over the 2% tolerance\. Days off: 2026-11-01 \(1,100 vs 1,234\)\./,
    );
  });

  it("a yen shop's revenue is whole yen, its USD ad accounts' spend in dollars to the cent, from the APIs and the warehouse", async () => {
    const data = buildPlatformData(3, RUN_DATE, 30);
    const bench = await openBench(data);
    try {
      await bench.pull(RUN_DATE, PULL_ALL);
      const context = bench.context(RUN_DATE, PULL_ALL);
      const yenShop = {
        ...context,
        config: { ...context.config, shop: { ...context.config.shop, currency: "JPY" } },
      };
      // ops.reconciliation as a version before its currency column made it: the run adds the column, then loads.
      await bench.warehouse.load({
        dataset: "ops",
        table: RECONCILIATION_TABLE,
        columns: RECONCILIATION_COLUMNS.filter((column) => column.name !== "currency"),
        rows: [],
      });
      const result = await runReconciliation(yenShop, bench.io);
      const money = result.entries.filter((entry) => entry.metric === "spend" || entry.metric === "revenue");
      assert.equal(money.length, 1 + 2 + 1 + 1);
      // The platforms report in each account's currency (the fixture's accounts bill in USD), compared as such.
      assert.deepEqual(
        money.map((entry) => [entry.source, entry.metric, entry.currency]),
        [
          ["shopify", "revenue", "JPY"],
          ["facebook_ads", "spend", "USD"],
          ["facebook_ads", "spend", "USD"],
          ["tiktok_ads", "spend", "USD"],
          ["google_ads", "spend", "USD"],
        ],
      );
      // The stored scoreboard says each amount's currency (what the deck writes it in), and none for a count.
      const stored = await bench.rows<{ source: string; metric: string; currency: string | null }>(
        `SELECT DISTINCT source, metric, currency FROM ops.reconciliation ORDER BY source, metric`,
      );
      assert.deepEqual(
        stored.map((row) => [row.source, row.metric, row.currency]),
        [
          ["facebook_ads", "clicks", null],
          ["facebook_ads", "impressions", null],
          ["facebook_ads", "spend", "USD"],
          ["google_ads", "clicks", null],
          ["google_ads", "impressions", null],
          ["google_ads", "spend", "USD"],
          ["shopify", "orders", null],
          ["shopify", "revenue", "JPY"],
          ["tiktok_ads", "clicks", null],
          ["tiktok_ads", "impressions", null],
          ["tiktok_ads", "spend", "USD"],
        ],
      );
      const revenue = money.find((entry) => entry.metric === "revenue");
      assert.ok(
        [revenue?.api, revenue?.warehouse, revenue?.difference].every(Number.isInteger),
        `revenue: ${revenue?.api} vs ${revenue?.warehouse}`,
      );
      // Each Meta account's spend: the fixture's rows of the window summed here in cents, not rounded to the yen.
      for (const account of META_ACCOUNTS) {
        const cents = data.metaInsights
          .filter((row) => row.account_id === account && inWindow(row.date_start))
          .reduce((sum, row) => sum + Math.round(Number(row.spend) * 100), 0);
        const spend = result.entries.find(
          (entry) => entry.source === "facebook_ads" && entry.account === account && entry.metric === "spend",
        );
        assert.deepEqual([spend?.api, spend?.warehouse, spend?.status], [cents / 100, cents / 100, "MATCH"]);
        assert.ok(!Number.isInteger(cents / 100), "a total with cents, which a yen rounding would have lost");
      }
    } finally {
      await bench.close();
    }
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

  it("reconciles Google Ads with only googleAdsOauth, and says to apply for Explorer access when the Cloud project has Test access only", async () => {
    // Google sunset developer tokens on 9 September 2026: the OAuth client and refresh token are all it needs.
    const oauthOnly = { googleAdsOauth: JSON.stringify(TOKENS.googleOauth) };
    const onlyGoogle = {
      ...PULL_ALL,
      shopify: { enabled: false },
      facebook_ads: { enabled: false },
      tiktok_ads: { enabled: false },
    };
    const data = buildPlatformData(5, RUN_DATE, 30);
    const bench = await openBench(data);
    try {
      await bench.pull(RUN_DATE, onlyGoogle, oauthOnly);
      const result = await runReconciliation(bench.context(RUN_DATE, onlyGoogle, oauthOnly), bench.io);
      const spend = result.entries.find((entry) => entry.source === "google_ads" && entry.metric === "spend");
      const expectedSpend = data.googleRows
        .filter((row) => inWindow(row.segments?.date ?? ""))
        .reduce((sum, row) => sum + Number(row.metrics?.costMicros ?? 0) / 1_000_000, 0);
      assert.equal(spend?.account, GOOGLE_CUSTOMER);
      assert.equal(spend?.status, "MATCH");
      assert.ok(Math.abs((spend?.api ?? 0) - expectedSpend) < 0.005, `${spend?.api} vs ${expectedSpend}`);
      assert.equal(
        result.findings.some((finding) => finding.check === "reconciliation_unavailable"),
        false,
      );
      const searches = bench.server.requests.filter((request) => request.path.endsWith(":searchStream"));
      assert.ok(searches.length > 0);
      for (const search of searches) assert.equal(search.headers["developer-token"], undefined);
    } finally {
      await bench.close();
    }

    const testAccess = await openBench(data, { googleTestAccessClients: [TOKENS.googleOauth.client_id] });
    try {
      const settings = { ...onlyGoogle, google_ads: { ...onlyGoogle.google_ads, apiVersion: "v25" } };
      const result = await runReconciliation(
        testAccess.context(RUN_DATE, settings, oauthOnly),
        testAccess.io,
      );
      const warning = result.findings.find((finding) => finding.check === "reconciliation_unavailable");
      assert.equal(warning?.source, "google_ads");
      assert.equal(warning?.severity, "warning");
      assert.match(warning?.message ?? "", /CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION/);
      assert.match(
        warning?.message ?? "",
        /apply for Explorer access on that project's Google Ads API Overview page/,
      );
      assert.doesNotMatch(warning?.message ?? "", /tried again on the next run/, "a person must act");
      for (const secret of [
        TOKENS.googleOauth.client_secret,
        TOKENS.googleOauth.refresh_token,
        TOKENS.googleAccess,
      ])
        assert.ok(!(warning?.message ?? "").includes(secret), "no credential in the finding");
    } finally {
      await testAccess.close();
    }
  });

  it("asks each ad account's time zone in the platforms' shapes and says which accounts count other days", async () => {
    const data = buildPlatformData(3, RUN_DATE, 30);
    const [metaOther = "", metaSame = ""] = META_ACCOUNTS;
    data.adAccountTimeZones = {
      facebook_ads: { [metaOther]: "America/Los_Angeles" },
      tiktok_ads: { [TIKTOK_ADVERTISER]: "Asia/Shanghai" },
    };
    const bench = await openBench(data);
    try {
      await bench.pull(RUN_DATE, PULL_ALL);
      bench.server.requests.length = 0;
      const result = await runReconciliation(bench.context(RUN_DATE, PULL_ALL), bench.io);
      // The shop counts New York days (UTC−5 on 21 November 2026); Los Angeles is UTC−8 and Shanghai UTC+8.
      const zoned = result.findings.filter((finding) => finding.check === "ad_account_time_zone");
      assert.deepEqual(
        zoned.map((finding) => [finding.subject, finding.severity, finding.observed, finding.expected]),
        [
          [`facebook_ads:${metaOther}`, "warning", "America/Los_Angeles", TIMEZONE],
          [`tiktok_ads:${TIKTOK_ADVERTISER}`, "warning", "Asia/Shanghai", TIMEZONE],
        ],
      );
      assert.match(zoned[0]?.message ?? "", /3 hours behind on 2026-11-21/);
      assert.match(zoned[1]?.message ?? "", /13 hours ahead on 2026-11-21/);
      // Read where people read it: the email's alerts and the deck's actions.
      const { text } = buildSummaryEmail(buildReportData({ findings: zoned }), {});
      assert.match(text, /Meta: days in another time zone/);
      assert.match(text, /read Meta's daily ROAS and CAC with care/);
      assert.deepEqual(
        findingActions(zoned).map((action) => action.text),
        [
          `Read Meta's daily ROAS and CAC with care: its account counts days in America/Los_Angeles, the shop in ${TIMEZONE} (weekly and monthly figures are sound).`,
          `Read TikTok's daily ROAS and CAC with care: its account counts days in Asia/Shanghai, the shop in ${TIMEZONE} (weekly and monthly figures are sound).`,
        ],
      );
      // Totals still match: each account's days are its own zone's on both sides.
      assert.deepEqual(
        result.entries.filter((entry) => entry.status !== "MATCH"),
        [],
      );
      // What was asked, as each platform documents it: the ad account node's timezone_name, advertiser/info's
      // display_timezone, customer.time_zone through searchStream.
      const asked = bench.server.requests;
      for (const account of [metaOther, metaSame])
        assert.ok(
          asked.some(
            (request) =>
              request.path.endsWith(`/act_${account}`) && request.params.fields === "timezone_name",
          ),
          `Meta account ${account}'s node`,
        );
      const info = asked.find((request) => request.path === "/open_api/v1.3/advertiser/info/");
      assert.deepEqual(JSON.parse(info?.params.advertiser_ids ?? "[]"), [TIKTOK_ADVERTISER]);
      assert.ok(JSON.parse(info?.params.fields ?? "[]").includes("display_timezone"));
      assert.ok(
        asked.some(
          (request) =>
            request.path.endsWith(`/customers/${GOOGLE_CUSTOMER}/googleAds:searchStream`) &&
            /customer\.time_zone/.test(String((request.body as { query?: string }).query)),
        ),
        "Google Ads customer.time_zone",
      );
      const file = JSON.parse((await bench.bucket.read(reconciliationPath(RUN_DATE)))?.toString() ?? "{}");
      assert.deepEqual(
        file.accountTimeZones.map((zone: { source: string; account: string; timeZone: string }) => [
          zone.source,
          zone.account,
          zone.timeZone,
        ]),
        [
          ["facebook_ads", metaOther, "America/Los_Angeles"],
          ["facebook_ads", metaSame, TIMEZONE],
          ["tiktok_ads", TIKTOK_ADVERTISER, "Asia/Shanghai"],
          ["google_ads", GOOGLE_CUSTOMER, TIMEZONE],
        ],
      );
    } finally {
      await bench.close();
    }
  });

  it("a platform that cannot give a time zone still reconciles its totals", async () => {
    const bench = await openBench(buildPlatformData(5, RUN_DATE, 30));
    try {
      await bench.pull(RUN_DATE, PULL_ALL);
      bench.server.options.faults = [
        {
          platform: "tiktok_ads",
          request: 1,
          through: 999,
          kind: "503",
          path: "/open_api/v1.3/advertiser/info/",
        },
      ];
      const lines: string[] = [];
      const context = {
        ...bench.context(RUN_DATE, PULL_ALL),
        log: createLogger({ format: "json", write: (line) => lines.push(line) }),
      };
      const result = await runReconciliation(context, bench.io);
      assert.ok(
        result.entries.some((entry) => entry.source === "tiktok_ads" && entry.status === "MATCH"),
        "TikTok reconciled",
      );
      const logged = lines.map((line) => JSON.parse(line)).find((entry) => /time zone/.test(entry.message));
      assert.equal(logged?.severity, "WARNING");
      assert.equal(logged?.source, "tiktok_ads");
      assert.equal(logged?.account, TIKTOK_ADVERTISER);
      assert.equal(
        result.findings.filter((finding) => finding.check === "reconciliation_unavailable").length,
        0,
      );
      assert.ok(
        bench.server.requests.some((request) => request.path === "/open_api/v1.3/advertiser/info/"),
        "the time zone was asked",
      );
      assert.deepEqual(
        result.findings.filter((finding) => finding.check === "ad_account_time_zone"),
        [],
      );
    } finally {
      await bench.close();
    }
  });

  it("a test order lands marked as one and counts on neither side", async () => {
    const data = buildPlatformData(6, RUN_DATE, 30);
    const inWindowOrders = data.shopifyOrders.filter(
      (order) => !order.cancelledAt && inWindow(dayIn(order.createdAt, data.shopTimezone)),
    );
    // Three of the window's orders were checkouts tried in test mode.
    const tests = inWindowOrders.slice(0, 3);
    for (const order of tests) order.test = true;
    const sales = inWindowOrders.filter((order) => !order.test);
    const revenue = sales.reduce((sum, order) => sum + Number(order.totalPriceSet?.shopMoney.amount ?? 0), 0);
    const bench = await openBench(data);
    try {
      await bench.pull(RUN_DATE, PULL_ALL);
      const landed = await bench.rows<{ id: string; test: boolean | null }>(
        "SELECT CAST(id AS VARCHAR) AS id, test FROM raw.shopify_orders WHERE test",
      );
      assert.deepEqual(
        [...new Set(landed.map((row) => row.id))].sort(),
        tests.map((order) => order.id.split("/").at(-1)).sort(),
      );
      const result = await runReconciliation(bench.context(RUN_DATE, PULL_ALL), bench.io);
      const entry = (metric: string) =>
        result.entries.find((item) => item.source === "shopify" && item.metric === metric);
      assert.equal(entry("orders")?.status, "MATCH");
      assert.equal(entry("orders")?.api, sales.length);
      assert.equal(entry("orders")?.warehouse, sales.length);
      assert.equal(entry("revenue")?.status, "MATCH");
      assert.equal(Math.round((entry("revenue")?.api ?? 0) * 100), Math.round(revenue * 100));
    } finally {
      await bench.close();
    }
  });
});
