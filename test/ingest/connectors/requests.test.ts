// What each connector asks its platform for, and what every row it lands carries: README, Connectors (the table
// of sources, and the first paragraph's _airbyte_raw_id, _airbyte_extracted_at and _airbyte_meta). The requests
// are those the local server recorded; the expected paths, parameters and queries are written out here from the
// platforms' documented shapes, never taken from the clients' code.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ConnectorsResult } from "../../../functions/ingest/connectors/run.ts";
import type { RecordedRequest } from "../../../tools/demo-apis/server.ts";
import { TOKENS } from "../../../tools/demo-apis/server.ts";
import {
  buildPlatformData,
  withShopifySnapshots,
  GOOGLE_CUSTOMER,
  META_ACCOUNTS,
  RUN_DATE,
  TIKTOK_ADVERTISER,
} from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

const LOOKBACK_START = "2026-11-15"; // seven days ending on RUN_DATE (2026-11-21), the bench's lookbackDays

describe("the README's table of connectors: what each asks for", () => {
  const data = withShopifySnapshots(41);

  let bench: Bench;
  let result: ConnectorsResult;
  const of = (platform: RecordedRequest["platform"]) =>
    bench.server.requests.filter((request) => request.platform === platform);
  before(async () => {
    bench = await openBench(data);
    result = await bench.pull();
  });
  after(() => bench.close());

  it("pulls without a finding", () => {
    assert.deepEqual(result.findings, []);
  });

  it("Shopify: Admin GraphQL orders, customers and products, each sorted by and filtered on updated_at, in cursor pages", async () => {
    const requests = of("shopify");
    for (const request of requests) {
      // The Admin GraphQL endpoint of the configured version (the bench's 2026-10).
      assert.equal(request.method, "POST");
      assert.equal(request.path, "/admin/api/2026-10/graphql.json");
    }
    const byConnection = (name: string) =>
      requests
        .map((request) => request.body as { query: string; variables: Record<string, unknown> })
        .filter((body) => new RegExp(`\\b${name}\\(first: \\$first`).test(body.query));
    for (const name of ["orders", "customers", "products"]) {
      const asked = byConnection(name);
      assert.ok(asked.length > 0, `${name} asked for`);
      for (const body of asked) {
        assert.match(body.query, /sortKey: UPDATED_AT/, name);
        assert.match(String(body.variables.query), /^updated_at:>='[^']+'$/, name);
      }
    }
    // Orders with their line items, refunds, customer and shipping address.
    const [orders] = byConnection("orders");
    for (const field of [/lineItems\(first: \d+\)/, /refunds \{/, /customer \{/, /shippingAddress \{/])
      assert.match(orders?.query ?? "", field);
    // A customer's email, phone and email consent from defaultEmailAddress and defaultPhoneNumber: Customer.email,
    // phone and emailMarketingConsent are deprecated since 2025-04.
    const customerSelections = [
      /customer \{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/.exec(orders?.query ?? "")?.[1] ?? "",
      /nodes \{([^]*?)\}\s*pageInfo/.exec(byConnection("customers")[0]?.query ?? "")?.[1] ?? "",
    ];
    for (const selection of customerSelections) {
      assert.match(selection, /\bdefaultEmailAddress \{ emailAddress\b/);
      // Outside the nested selections, no email, phone or consent field of the Customer itself.
      const ownFields = selection
        .replace(/\{[^{}]*\}/g, "")
        .split(/\s+/)
        .filter(Boolean);
      for (const deprecated of ["email", "phone", "emailMarketingConsent", "smsMarketingConsent"])
        assert.ok(!ownFields.includes(deprecated), `${deprecated} in ${selection}`);
    }
    assert.match(customerSelections[1] ?? "", /\bdefaultPhoneNumber \{ phoneNumber \}/);
    // Products with their variants.
    assert.match(byConnection("products")[0]?.query ?? "", /variants\(first: \d+\)/);
    // Cursor pages: the first page asks from the start, each next one after the previous page's end cursor.
    const orderPages = byConnection("orders");
    assert.ok(orderPages.length >= 2, "more than one page of 8 orders");
    assert.equal(orderPages[0]?.variables.after, null);
    assert.ok(orderPages.slice(1).every((body) => typeof body.variables.after === "string"));
    // Landed in the three raw tables Airbyte's source-shopify fills.
    const [counts] = await bench.rows<Record<string, number>>(`SELECT
      (SELECT COUNT(*) FROM raw.shopify_orders)::INT AS orders,
      (SELECT COUNT(*) FROM raw.shopify_customers)::INT AS customers,
      (SELECT COUNT(*) FROM raw.shopify_products)::INT AS products`);
    assert.ok((counts?.orders ?? 0) > 0);
    assert.equal(counts?.customers, 1);
    assert.equal(counts?.products, 1);
  });

  it("Meta: act_<id>/insights at level=ad, time_increment=1, with actions and action_values, filtered on every ad.effective_status", () => {
    const requests = of("facebook_ads").filter((request) => request.path.endsWith("/insights"));
    assert.deepEqual(
      [...new Set(requests.map((request) => request.path))].sort(),
      META_ACCOUNTS.map((account) => `/v24.0/act_${account}/insights`).sort(),
    );
    for (const request of requests) {
      assert.equal(request.method, "GET");
      assert.equal(request.params.level, "ad");
      assert.equal(request.params.time_increment, "1");
      assert.deepEqual(JSON.parse(request.params.time_range ?? "{}"), {
        since: LOOKBACK_START,
        until: RUN_DATE,
      });
      const fields = (request.params.fields ?? "").split(",");
      for (const field of ["actions", "action_values", "ad_id", "spend"])
        assert.ok(fields.includes(field), field);
      const [statusFilter, ...otherFilters] = JSON.parse(request.params.filtering ?? "[]") as {
        field: string;
        operator: string;
        value: string[];
      }[];
      assert.deepEqual(otherFilters, []);
      assert.equal(statusFilter?.field, "ad.effective_status");
      assert.equal(statusFilter?.operator, "IN");
      for (const status of ["ACTIVE", "PAUSED", "ARCHIVED", "DELETED"])
        assert.ok(statusFilter?.value.includes(status), status);
      assert.equal(request.params.access_token, TOKENS.meta);
    }
  });

  it("TikTok: /open_api/v1.3/report/integrated/get/, BASIC, AUCTION_AD, by ad_id and stat_time_day, numbered pages", () => {
    const requests = of("tiktok_ads");
    assert.ok(requests.length >= 2, "two pages of 7 rows");
    for (const request of requests) {
      assert.equal(request.method, "GET");
      assert.equal(request.path, "/open_api/v1.3/report/integrated/get/");
      assert.equal(request.params.advertiser_id, TIKTOK_ADVERTISER);
      assert.equal(request.params.report_type, "BASIC");
      assert.equal(request.params.data_level, "AUCTION_AD");
      assert.deepEqual(JSON.parse(request.params.dimensions ?? "[]"), ["ad_id", "stat_time_day"]);
      assert.equal(request.params.start_date, LOOKBACK_START);
      assert.equal(request.params.end_date, RUN_DATE);
    }
    assert.deepEqual(
      requests.map((request) => request.params.page),
      requests.map((_, index) => String(index + 1)),
    );
  });

  it("Google Ads: an access token from the refresh token, then GAQL over googleAds:searchStream, ad groups by day, the asset groups of Performance Max campaigns (which have no ad groups), and the campaigns' own days, cost in micros", () => {
    const [token, ...rest] = of("google_ads");
    assert.equal(token?.method, "POST");
    assert.equal(token?.path, "/oauth/token");
    assert.deepEqual(token?.body, {
      grant_type: "refresh_token",
      client_id: TOKENS.googleOauth.client_id,
      client_secret: TOKENS.googleOauth.client_secret,
      refresh_token: TOKENS.googleOauth.refresh_token,
    });
    assert.equal(
      rest.length,
      3,
      "three searchStreams for the customer: its ad groups, its asset groups, its campaigns",
    );
    const resources = [];
    for (const search of rest) {
      assert.equal(search?.method, "POST");
      assert.equal(search?.path, `/v25/customers/${GOOGLE_CUSTOMER}/googleAds:searchStream`);
      const query = String((search?.body as { query?: string }).query);
      resources.push(/\bFROM (\w+)/.exec(query)?.[1]);
      assert.match(query, /\bsegments\.date\b.*\bFROM\b/);
      assert.match(query, /\bmetrics\.cost_micros\b/);
      assert.match(query, new RegExp(`segments\\.date BETWEEN '${LOOKBACK_START}' AND '${RUN_DATE}'`));
    }
    assert.deepEqual(resources, ["ad_group", "asset_group", "campaign"]);
  });
});

describe("the README's bookkeeping columns on every row a connector lands", () => {
  it("_airbyte_raw_id api:<source>:…, _airbyte_extracted_at the pull's instant, _airbyte_meta naming the connector, version, run and pull", async () => {
    const bench = await openBench(buildPlatformData(42));
    try {
      assert.deepEqual((await bench.pull()).findings, []);
      // The bench's clock reads 23:30 UTC on the run date when the pull starts; its run id is run-<run date>.
      const pulledAt = Date.parse(`${RUN_DATE}T23:30:00Z`);
      const expected: [table: string, source: string, version: string][] = [
        ["shopify_orders", "shopify", "2026-10"],
        ["facebook_ads_insights", "facebook_ads", "v24.0"],
        ["tiktok_ads_reports_daily", "tiktok_ads", "v1.3"],
        ["google_ads_campaign_stats", "google_ads", "v25"],
      ];
      const pulls = new Set<string>();
      for (const [table, source, version] of expected) {
        const rows = await bench.rows<{ id: string; at: number; meta: string }>(
          `SELECT _airbyte_raw_id AS id, epoch_ms(_airbyte_extracted_at)::DOUBLE AS at, _airbyte_meta::VARCHAR AS meta FROM raw.${table}`,
        );
        assert.ok(rows.length > 0, table);
        for (const row of rows) {
          assert.ok(row.id.startsWith(`api:${source}:`), `${table}: ${row.id}`);
          assert.equal(row.at, pulledAt, table);
          const meta = JSON.parse(row.meta) as Record<string, unknown>;
          assert.deepEqual(Object.keys(meta).sort(), [
            "api_version",
            "changes",
            "connector",
            "pull_id",
            "run_id",
            "source",
          ]);
          assert.equal(meta.source, "api");
          assert.equal(meta.connector, source);
          assert.equal(meta.api_version, version);
          assert.equal(meta.run_id, `run-${RUN_DATE}`);
          assert.deepEqual(meta.changes, []);
          assert.match(String(meta.pull_id), /^[0-9a-f-]{36}$/);
          pulls.add(`${source} ${String(meta.pull_id)}`);
        }
      }
      // One pull id per connector's pull, each its own.
      assert.equal(pulls.size, 4);
      assert.equal(new Set([...pulls].map((pull) => pull.split(" ")[1])).size, 4);
    } finally {
      await bench.close();
    }
  });
});
