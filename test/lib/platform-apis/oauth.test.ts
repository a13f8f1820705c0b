// The OAuth pieces the platform clients share (functions/lib/platform-apis/oauth.ts): a secret holding an
// application's {"client_id","client_secret"}, and the token request, against a scripted local server. The
// secrets are generated here.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { PlatformAuthError } from "../../../functions/lib/platform-apis/http.ts";
import { parseClientCredentials, requestToken } from "../../../functions/lib/platform-apis/oauth.ts";
import { recordingIo, startScriptedServer } from "../../support/scripted-server.ts";

const RETRY = { maxAttempts: 3, maxDelayMs: 10_000 };

describe("a secret holding client credentials", () => {
  it("is a token unless it starts with {; its JSON must give both, and an error never repeats it", () => {
    const secret = `s-${randomBytes(8).toString("hex")}`;
    assert.equal(parseClientCredentials(" shpat_abc ", "shopify", "shopifyAccessToken"), undefined);
    assert.deepEqual(
      parseClientCredentials(
        `\n{"client_id": "id-1", "client_secret": "${secret}", "note": "x"}\n`,
        "shopify",
        "shopifyAccessToken",
      ),
      { client_id: "id-1", client_secret: secret },
    );
    for (const [text, said] of [
      [
        `{"client_id": "id-1", "client_secret": "${secret}"`,
        /shopifyAccessToken secret starts with \{ but is not JSON/,
      ],
      [
        `{"client_id": "id-1", "secret": "${secret}"}`,
        /shopifyAccessToken secret must be \{"client_id","client_secret"\}/,
      ],
    ] as const)
      assert.throws(
        () => parseClientCredentials(text, "shopify", "shopifyAccessToken"),
        (error: unknown) =>
          error instanceof PlatformAuthError && said.test(error.message) && !error.message.includes(secret),
      );
  });
});

describe("the token request", () => {
  it("posts the fields form-encoded or as JSON, retries a 503, and reads the access token", async () => {
    const server = await startScriptedServer([
      { status: 503, body: { error: "busy" } },
      { status: 200, body: { access_token: "tok-1", expires_in: 60 } },
      { status: 200, body: { access_token: "tok-2" } },
    ]);
    const { io, sleeps } = recordingIo();
    try {
      const fields = { grant_type: "client_credentials", client_id: "a b", client_secret: "s&t=u" };
      const form = await requestToken("shopify", io, RETRY, `${server.url}/token`, {
        fields,
        encoding: "form",
        describe: "token",
      });
      assert.equal(form.accessToken, "tok-1");
      assert.equal(form.body.expires_in, 60);
      const json = await requestToken("facebook_ads", io, RETRY, `${server.url}/token`, {
        fields,
        encoding: "json",
        describe: "token",
      });
      assert.equal(json.accessToken, "tok-2");
      const [, formRequest, jsonRequest] = server.requests;
      assert.equal(formRequest?.method, "POST");
      assert.equal(formRequest?.headers["content-type"], "application/x-www-form-urlencoded");
      assert.equal(formRequest?.body, "grant_type=client_credentials&client_id=a+b&client_secret=s%26t%3Du");
      assert.equal(jsonRequest?.headers["content-type"], "application/json");
      assert.deepEqual(JSON.parse(jsonRequest?.body ?? "null"), fields);
      assert.deepEqual(sleeps, [1000], "the 503 waited the shared backoff");
    } finally {
      await server.close();
    }
  });

  it("gives the platform's words on a refusal, the secret it was sent taken out of them", async () => {
    const secret = `shpss_${randomBytes(12).toString("hex")}`;
    const server = await startScriptedServer([
      {
        status: 400,
        body: { error: "invalid_client", error_description: `no app has the secret ${secret}` },
      },
      { status: 400, body: `<html><body><h1>Oauth error app_not_installed:</h1> ${secret}</body></html>` },
      { status: 401, body: { detail: "Invalid client credentials" } },
    ]);
    const { io } = recordingIo();
    const ask = () =>
      requestToken("shopify", io, RETRY, `${server.url}/token`, {
        fields: { grant_type: "client_credentials", client_id: "id-1", client_secret: secret },
        encoding: "form",
        describe: "token",
      });
    try {
      const oauth = await ask();
      assert.equal(oauth.status, 400);
      assert.equal(oauth.accessToken, undefined);
      assert.equal(oauth.detail, "invalid_client: no app has the secret [redacted]");
      const page = await ask();
      assert.equal(page.detail, "Oauth error app_not_installed: [redacted]");
      const problem = await ask();
      assert.equal(problem.detail, "Invalid client credentials");
    } finally {
      await server.close();
    }
  });
});
