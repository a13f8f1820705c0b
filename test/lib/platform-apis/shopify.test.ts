// Shopify's refusals of the access token, from a local server: docs/connectors.md ("What real APIs do"): a revoked
// or missing credential (Shopify 401/403) is a credential to renew, never retried. And the client credentials
// grant of a Dev Dashboard app, as it goes on the wire.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { PlatformApiError, PlatformAuthError } from "../../../functions/lib/platform-apis/http.ts";
import { ShopifyApi } from "../../../functions/lib/platform-apis/shopify.ts";
import { silentLogger } from "../../../functions/lib/logger.ts";
import { recordingIo, startScriptedServer } from "../../support/scripted-server.ts";

describe("Shopify's refused token", () => {
  for (const status of [401, 403]) {
    it(`HTTP ${status} is a refused credential: no retry, the secret named`, async () => {
      const server = await startScriptedServer([
        {
          status,
          body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        },
      ]);
      const { io, sleeps } = recordingIo();
      const api = new ShopifyApi(
        {
          shopDomain: "maison-test.myshopify.com",
          apiVersion: "2026-10",
          credentials: "shpat_x",
          pageSize: 25,
          baseUrl: server.url,
        },
        io,
        { maxAttempts: 5, maxDelayMs: 60_000 },
        silentLogger(),
      );
      try {
        await assert.rejects(
          (async () => {
            for await (const _page of api.ordersUpdatedSince("2026-11-01T00:00:00Z")) void _page;
          })(),
          (error: unknown) =>
            error instanceof PlatformAuthError &&
            new RegExp(
              `^reconnect Shopify: the Admin API refused the access token \\(HTTP ${status}\\).*shopifyAccessToken secret`,
            ).test(error.message),
        );
        assert.equal(server.requests.length, 1);
        assert.deepEqual(sleeps, []);
      } finally {
        await server.close();
      }
    });
  }
});

describe("Shopify's client credentials grant on the wire", () => {
  it("posts the form shopify.dev documents to the shop, then sends the issued token on every query", async () => {
    // shopify.dev, "Using the client credentials grant": POST https://{shop}.myshopify.com/admin/oauth/access_token,
    // Content-Type: application/x-www-form-urlencoded, grant_type=client_credentials&client_id=…&client_secret=…;
    // the answer {"access_token","scope","expires_in"}; the token goes in X-Shopify-Access-Token.
    const app = {
      client_id: randomBytes(16).toString("hex"),
      client_secret: `shpss_${randomBytes(16).toString("hex")}`,
    };
    const issued = `shpat_${randomBytes(16).toString("hex")}`;
    const page = (hasNextPage: boolean) => ({
      status: 200,
      body: {
        data: { orders: { nodes: [], pageInfo: { hasNextPage, endCursor: hasNextPage ? "c1" : null } } },
      },
    });
    const server = await startScriptedServer([
      { status: 200, body: { access_token: issued, scope: "read_orders,read_customers", expires_in: 86399 } },
      page(true),
      page(false),
    ]);
    const { io } = recordingIo();
    try {
      const api = new ShopifyApi(
        {
          shopDomain: "maison-test.myshopify.com",
          apiVersion: "2026-10",
          credentials: JSON.stringify(app),
          pageSize: 25,
          baseUrl: server.url,
        },
        io,
        { maxAttempts: 5, maxDelayMs: 60_000 },
        silentLogger(),
      );
      for await (const _page of api.ordersUpdatedSince("2026-11-01T00:00:00Z")) void _page;
      const [exchange, ...queries] = server.requests;
      assert.equal(exchange?.method, "POST");
      assert.equal(exchange?.path, "/admin/oauth/access_token");
      assert.equal(exchange?.headers["content-type"], "application/x-www-form-urlencoded");
      const form = new URLSearchParams(exchange?.body);
      assert.deepEqual([...form.keys()].sort(), ["client_id", "client_secret", "grant_type"]);
      assert.equal(form.get("grant_type"), "client_credentials");
      assert.equal(form.get("client_id"), app.client_id);
      assert.equal(form.get("client_secret"), app.client_secret);
      assert.equal(exchange?.headers["x-shopify-access-token"], undefined, "no token before there is one");
      assert.equal(queries.length, 2);
      for (const query of queries) {
        assert.equal(query.path, "/admin/api/2026-10/graphql.json");
        assert.equal(query.headers["x-shopify-access-token"], issued);
      }
    } finally {
      await server.close();
    }
  });

  it("a shop without the app (404 on the token endpoint) says to check shopDomain, and is no auth problem", async () => {
    const server = await startScriptedServer([{ status: 404, body: "<html><body>Not Found</body></html>" }]);
    const { io } = recordingIo();
    try {
      const api = new ShopifyApi(
        {
          shopDomain: "maison-tset.myshopify.com",
          apiVersion: "2026-10",
          credentials: JSON.stringify({
            client_id: "abc",
            client_secret: `shpss_${randomBytes(8).toString("hex")}`,
          }),
          pageSize: 25,
          baseUrl: server.url,
        },
        io,
        { maxAttempts: 5, maxDelayMs: 60_000 },
        silentLogger(),
      );
      await assert.rejects(
        (async () => {
          for await (const _page of api.ordersUpdatedSince("2026-11-01T00:00:00Z")) void _page;
        })(),
        (error: unknown) =>
          error instanceof PlatformApiError &&
          !(error instanceof PlatformAuthError) &&
          /no shop at maison-tset\.myshopify\.com .*check connectors\.shopify\.shopDomain/.test(
            error.message,
          ),
      );
    } finally {
      await server.close();
    }
  });
});
