// The connectors' settings: off by default, validated with the rest of the configuration, secrets never among them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../functions/shared/config.ts";

const withSettings = (connectors: unknown) =>
  loadConfig({ env: { PULSE_SETTINGS: JSON.stringify({ version: 1, connectors }) }, cwd: "/tmp" });

describe("connector settings", () => {
  it("every connector is off by default; the reconciliation is 2 % over 14 days ending 2 days before", () => {
    const { connectors } = loadConfig({ env: {}, cwd: "/tmp" });
    assert.deepEqual(
      [connectors.shopify, connectors.facebook_ads, connectors.tiktok_ads, connectors.google_ads].map(
        (settings) => settings.enabled,
      ),
      [false, false, false, false],
    );
    assert.deepEqual(connectors.reconciliation, {
      enabled: true,
      tolerance: 0.02,
      windowDays: 14,
      endOffsetDays: 2,
    });
    assert.equal(connectors.facebook_ads.lookbackDays, 28);
    assert.equal(connectors.google_ads.lookbackDays, 14);
    assert.equal(connectors.tiktok_ads.lookbackDays, 7);
  });

  it("refuses an unknown key (a token put in the settings file) and a bad value, naming the setting", () => {
    assert.throws(
      () => withSettings({ facebook_ads: { enabled: true, accessToken: "EAA…" } }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /connectors\.facebook_ads\.accessToken: unknown setting/.test(error.message),
    );
    assert.throws(
      () => withSettings({ tiktok_ads: { lookbackDays: 0 } }),
      (error: unknown) =>
        error instanceof ConfigError && /connectors\.tiktok_ads\.lookbackDays/.test(error.message),
    );
    assert.equal(
      withSettings({ shopify: { enabled: true, shopDomain: "a.myshopify.com" } }).connectors.shopify.pageSize,
      100,
    );
  });
});
