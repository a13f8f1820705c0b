// Shopify's refusals of the access token, from a local server: README, Connectors ("What real APIs do"): a revoked
// or missing credential (Shopify 401/403) is a credential to renew, never retried.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlatformAuthError } from "../../../functions/lib/platform-apis/http.ts";
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
          accessToken: "shpat_x",
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
