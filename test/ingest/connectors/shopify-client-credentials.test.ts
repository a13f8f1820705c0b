// The Shopify connector with a Dev Dashboard app instead of an admin custom app's token: docs/connectors.md
// (Credentials, `shopifyAccessToken`: "a Dev Dashboard app installed on the shop" — the not-installed refusal;
// "its released version with read_orders …" — the scopes the refusal names; "its client id and secret … as JSON"
// — the secret file read here; "exchanged once a run for a token (the client credentials grant)" — one exchange
// per run, in the documented form). The secret holds the app's {"client_id","client_secret"} as JSON; each run
// exchanges it once through the client credentials grant (shopify.dev, "Using the client credentials grant": POST
// https://{shop}.myshopify.com/admin/oauth/access_token, application/x-www-form-urlencoded, grant_type,
// client_id and client_secret) against the local server, which issues tokens its GraphQL endpoint accepts. The app's
// id and secret are generated here; the expected rows and totals come from the fixture objects.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runReconciliation } from "../../../functions/check-sources/reconciliation.ts";
import { runConnectors } from "../../../functions/ingest/connectors/run.ts";
import { addDays, localDate } from "../../../functions/lib/calendar.ts";
import { createLogger } from "../../../functions/lib/logger.ts";
import { localSecrets } from "../../../functions/runtime/local-ports.ts";
import { loadConfig } from "../../../functions/shared/config.ts";
import type { RecordedRequest } from "../../../tools/demo-apis/server.ts";
import {
  buildPlatformData,
  inReconciliationWindow,
  PULL_ALL,
  RUN_DATE,
  TIMEZONE,
  withShopifySnapshots,
} from "./fixtures.ts";
import { ALL_SECRETS, type Bench, openBench } from "./harness.ts";

const ONLY_SHOPIFY = {
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};
const SHOP = "maison-test.myshopify.com"; // the bench's shopDomain
const TOKEN_PATH = "/admin/oauth/access_token";

/** A Dev Dashboard app as Shopify shows it (a hex client id, a shpss_ secret), made up for this test. */
function generatedApp() {
  return {
    client_id: randomBytes(16).toString("hex"),
    client_secret: `shpss_${randomBytes(16).toString("hex")}`,
  };
}

/** The bench's secrets with the app's client credentials (JSON) where the Shopify access token goes. */
const withAppSecrets = (app: ReturnType<typeof generatedApp>) => ({
  ...ALL_SECRETS,
  shopifyAccessToken: JSON.stringify(app),
});

const exchanges = (bench: Bench): RecordedRequest[] =>
  bench.server.requests.filter((request) => request.path === TOKEN_PATH);

/** Every raw Shopify row, its pull id (random per pull) left out, in a stable order. */
async function rawRows(bench: Bench): Promise<string[]> {
  const rows: string[] = [];
  for (const table of ["shopify_orders", "shopify_customers", "shopify_products"]) {
    const read = await bench.rows(`SELECT * FROM raw.${table} ORDER BY _airbyte_raw_id`);
    for (const row of read) {
      const meta = JSON.parse(String(row._airbyte_meta)) as Record<string, unknown>;
      delete meta.pull_id;
      rows.push(
        JSON.stringify({ table, ...row, _airbyte_meta: meta }, (_key, value: unknown) =>
          typeof value === "bigint" ? value.toString() : value,
        ),
      );
    }
  }
  return rows;
}

describe("Shopify with a Dev Dashboard app's client credentials", () => {
  const data = withShopifySnapshots(31);
  const app = generatedApp();
  let withToken: Bench;
  let withApp: Bench;
  let workDir: string;
  let secret: string | undefined;
  before(async () => {
    withToken = await openBench(data);
    withApp = await openBench(data, { shopifyApp: app });
    // docs/connectors.md: the secret is the app's client id and secret as JSON, in <work dir>/secrets/shopify-access-token.
    workDir = await mkdtemp(join(tmpdir(), "pulse-shopify-app-"));
    await mkdir(join(workDir, "secrets"));
    await writeFile(join(workDir, "secrets", "shopify-access-token"), `${JSON.stringify(app, null, 2)}\n`);
    secret = await localSecrets(loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir }), {}).get(
      "shopifyAccessToken",
    );
  });
  after(async () => {
    await withToken.close();
    await withApp.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("lands the same raw rows as with an access token, the orders the fixture has", async () => {
    const tokenRun = await withToken.pull(RUN_DATE, ONLY_SHOPIFY);
    const appRun = await withApp.pull(RUN_DATE, ONLY_SHOPIFY, {
      ...ALL_SECRETS,
      shopifyAccessToken: secret ?? "",
    });
    assert.deepEqual(tokenRun.findings, []);
    assert.deepEqual(appRun.findings, []);
    const since = Date.parse(`${addDays(RUN_DATE, -30)}T00:00:00Z`); // the bench's initialDays
    const expectedOrders = data.shopifyOrders
      .filter((order) => Date.parse(order.updatedAt) >= since)
      .map((order) => order.id.split("/").at(-1))
      .sort();
    const landed = await withApp.rows<{ id: string }>(
      "SELECT CAST(id AS VARCHAR) AS id FROM raw.shopify_orders ORDER BY id",
    );
    assert.deepEqual(
      landed.map((row) => row.id),
      expectedOrders,
    );
    assert.equal(appRun.metrics["connector.shopify.rowsLanded"], expectedOrders.length + 1 + 1);
    const appRows = await rawRows(withApp);
    assert.ok(appRows.some((row) => row.includes('"table":"shopify_customers"')));
    assert.ok(appRows.some((row) => row.includes('"table":"shopify_products"')));
    assert.deepEqual(appRows, await rawRows(withToken));
  });

  it("asks for the token exactly as Shopify documents it, once, before the first query", () => {
    const requests = withApp.server.requests.filter((request) => request.platform === "shopify");
    const [first, ...rest] = requests;
    assert.deepEqual(
      {
        method: first?.method,
        path: first?.path,
        contentType: first?.contentType,
        body: first?.body,
      },
      {
        method: "POST",
        path: TOKEN_PATH,
        contentType: "application/x-www-form-urlencoded",
        body: {
          grant_type: "client_credentials",
          client_id: app.client_id,
          client_secret: app.client_secret,
        },
      },
    );
    // Orders in pages of 25, customers and products: many queries, all with the one token.
    assert.ok(rest.length >= 4, `${rest.length} queries`);
    assert.deepEqual(exchanges(withApp).length, 1);
    for (const request of rest) assert.equal(request.path, "/admin/api/2026-10/graphql.json");
    assert.equal(exchanges(withToken).length, 0, "a token is used as it is");
  });

  it("exchanges again on the next run: a token is kept for its run only", async () => {
    const next = await withApp.pull(addDays(RUN_DATE, 1), ONLY_SHOPIFY, {
      ...ALL_SECRETS,
      shopifyAccessToken: secret ?? "",
    });
    assert.deepEqual(next.findings, []);
    assert.equal(exchanges(withApp).length, 2);
  });
});

describe("a refused or failing client credentials grant", () => {
  it("a wrong client secret is a critical connector_auth finding naming the fix; no secret in any log line or finding", async () => {
    const app = generatedApp();
    const wrong = { client_id: app.client_id, client_secret: `shpss_${randomBytes(16).toString("hex")}` };
    const bench = await openBench(withShopifySnapshots(32), { shopifyApp: app });
    const lines: string[] = [];
    const log = createLogger({ format: "json", minLevel: "debug", write: (line) => lines.push(line) });
    try {
      const secrets = { ...ALL_SECRETS, shopifyAccessToken: JSON.stringify(wrong) };
      const context = { ...bench.context(RUN_DATE, ONLY_SHOPIFY, secrets), log };
      const ingest = await runConnectors(context, bench.io);
      const reconciled = await runReconciliation({ ...context, step: "check-sources" }, bench.io);
      const [finding] = ingest.findings;
      assert.equal(ingest.findings.length, 1);
      assert.equal(finding?.check, "connector_auth");
      assert.equal(finding?.severity, "critical");
      assert.equal(finding?.source, "shopify");
      const message = finding?.message ?? "";
      // What to fix: the app's client id and secret, its installation on the shop, its scopes.
      assert.match(message, /^Shopify: reconnect Shopify: Shopify refused the client credentials grant/);
      assert.match(message, /HTTP 400: invalid_client/);
      assert.match(message, /shopifyAccessToken secret/);
      assert.match(message, /client id and secret .*Dev Dashboard/);
      assert.match(message, new RegExp(`installed on ${SHOP.replaceAll(".", "\\.")}`));
      // The scopes docs/connectors.md's Credentials row asks the app's version for are those the finding names.
      const readme = readFileSync(new URL("../../../docs/connectors.md", import.meta.url), "utf8");
      const row = readme.split("\n").find((line) => line.startsWith("| `shopifyAccessToken`")) ?? "";
      const scopes = [...row.matchAll(/`(read_[a-z_]+)`/g)].map((match) => match[1] ?? "");
      assert.deepEqual(scopes, ["read_orders", "read_all_orders", "read_customers", "read_products"]);
      for (const scope of scopes) assert.match(message, new RegExp(`\\b${scope}\\b`), scope);
      // A refusal is not retried: one exchange by ingest, one by check-sources, no wait.
      assert.equal(bench.server.requests.filter((request) => request.path === TOKEN_PATH).length, 2);
      assert.deepEqual(bench.sleeps, []);
      const unavailable = reconciled.findings.find((item) => item.check === "reconciliation_unavailable");
      assert.equal(unavailable?.source, "shopify");
      assert.match(unavailable?.message ?? "", /refused the client credentials grant.*installed on/);
      assert.equal(reconciled.entries.length, 0);
      assert.ok(lines.some((line) => line.includes("connector failed")));
      const texts = [...lines, JSON.stringify(ingest.findings), JSON.stringify(reconciled.findings)];
      for (const value of [wrong.client_secret, app.client_secret])
        for (const text of texts) assert.ok(!text.includes(value), `a secret in: ${text.slice(0, 200)}`);
    } finally {
      await bench.close();
    }
  });

  it("an app not installed on the shop is refused with Shopify's reason and the same fix", async () => {
    const app = generatedApp();
    const bench = await openBench(withShopifySnapshots(33), { shopifyApp: { ...app, installed: false } });
    try {
      const result = await bench.pull(RUN_DATE, ONLY_SHOPIFY, withAppSecrets(app));
      const [finding] = result.findings;
      assert.equal(finding?.check, "connector_auth");
      assert.match(finding?.message ?? "", /HTTP 400: app_not_installed/);
      assert.match(finding?.message ?? "", /that the app is installed on maison-test\.myshopify\.com/);
      assert.ok(!(finding?.message ?? "").includes(app.client_secret));
    } finally {
      await bench.close();
    }
  });

  it("a secret that is not the app's JSON is an auth finding that names the secret, never its text", async () => {
    const bench = await openBench(withShopifySnapshots(34));
    const text = `{"client_id": "${randomBytes(8).toString("hex")}", "secret": "shpss_${randomBytes(8).toString("hex")}"}`;
    try {
      const result = await bench.pull(RUN_DATE, ONLY_SHOPIFY, { ...ALL_SECRETS, shopifyAccessToken: text });
      const [finding] = result.findings;
      assert.equal(finding?.check, "connector_auth");
      assert.match(
        finding?.message ?? "",
        /the shopifyAccessToken secret must be \{"client_id","client_secret"\}/,
      );
      assert.ok(!(finding?.message ?? "").includes("shpss_"));
      assert.equal(bench.server.requests.length, 0, "nothing was sent");
    } finally {
      await bench.close();
    }
  });

  it("the exchange is retried as any request: a 503, then a 429 with Retry-After, then the token", async () => {
    const app = generatedApp();
    const bench = await openBench(withShopifySnapshots(35), {
      shopifyApp: app,
      faults: [
        { platform: "shopify", request: 1, kind: "503", path: TOKEN_PATH },
        { platform: "shopify", request: 2, kind: "429", retryAfterSeconds: 3, path: TOKEN_PATH },
      ],
    });
    try {
      const result = await bench.pull(RUN_DATE, ONLY_SHOPIFY, withAppSecrets(app));
      assert.deepEqual(result.findings, []);
      assert.equal(bench.server.requests.filter((request) => request.path === TOKEN_PATH).length, 3);
      // The shared layer's waits: backoff from 1 s after the 503, the 429's Retry-After of 3 s.
      assert.deepEqual(bench.sleeps.slice(0, 2), [1000, 3000]);
      assert.ok((result.metrics["connector.shopify.rowsLanded"] ?? 0) > 0);
    } finally {
      await bench.close();
    }
  });

  it("a token the Admin API no longer accepts is a finding about the app: its installation and scopes", async () => {
    const app = generatedApp();
    // The server's tokens expire at once here (Shopify's last 24 hours: expires_in 86399).
    const bench = await openBench(withShopifySnapshots(36), {
      shopifyApp: { ...app, tokenLifetimeSeconds: 0 },
    });
    try {
      const result = await bench.pull(RUN_DATE, ONLY_SHOPIFY, withAppSecrets(app));
      const [finding] = result.findings;
      assert.equal(finding?.check, "connector_auth");
      assert.match(
        finding?.message ?? "",
        /the Admin API refused the access token obtained with the Dev Dashboard app's client credentials \(HTTP 401\).*installed? .*maison-test\.myshopify\.com.*read_orders/,
      );
    } finally {
      await bench.close();
    }
  });
});

describe("the reconciliation with a Dev Dashboard app", () => {
  it("check-sources exchanges the app's credentials once and reconciles Shopify's orders and revenue", async () => {
    const app = generatedApp();
    const data = buildPlatformData(37, RUN_DATE, 30);
    const bench = await openBench(data, { shopifyApp: app });
    const secrets = withAppSecrets(app);
    const settings = { ...PULL_ALL, ...ONLY_SHOPIFY };
    try {
      assert.deepEqual((await bench.pull(RUN_DATE, settings, secrets)).findings, []);
      const before = bench.server.requests.filter((request) => request.path === TOKEN_PATH).length;
      const result = await runReconciliation(
        { ...bench.context(RUN_DATE, settings, secrets), step: "check-sources" },
        bench.io,
      );
      assert.equal(bench.server.requests.filter((request) => request.path === TOKEN_PATH).length, before + 1);
      // The fixture's orders created in the window (the shop's days), neither cancelled nor a test.
      const counted = data.shopifyOrders.filter(
        (order) =>
          !order.cancelledAt &&
          !order.test &&
          inReconciliationWindow(localDate(new Date(order.createdAt), TIMEZONE)),
      );
      const revenue = counted.reduce((sum, order) => sum + Number(order.totalPriceSet?.shopMoney.amount), 0);
      const entries = result.entries.filter((entry) => entry.source === "shopify");
      assert.deepEqual(
        entries.map((entry) => [entry.metric, entry.status]),
        [
          ["orders", "MATCH"],
          ["revenue", "MATCH"],
        ],
      );
      assert.equal(entries[0]?.api, counted.length);
      assert.ok(Math.abs((entries[1]?.api ?? 0) - revenue) < 0.005, `${entries[1]?.api} vs ${revenue}`);
      assert.equal(
        result.findings.filter((finding) => finding.check === "reconciliation_unavailable").length,
        0,
      );
    } finally {
      await bench.close();
    }
  });
});
