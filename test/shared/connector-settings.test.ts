// The connectors' settings: off by default, validated with the rest of the configuration, secrets never among them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { buildSettings } from "../../functions/cli/init.ts";
import { ConfigError, loadConfig } from "../../functions/shared/config.ts";
import { SETTING_OPTIONS } from "../../functions/shared/options.ts";
import pipeline from "../../functions/shared/pipeline.json" with { type: "json" };

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
    // A first run's ad history: Shopify's initialDays, so that its orders and the ad spend cover the same days.
    assert.equal(connectors.facebook_ads.initialDays, 60);
    assert.equal(connectors.google_ads.initialDays, connectors.shopify.initialDays);
    assert.equal(connectors.tiktok_ads.initialDays, 60);
    // "4 unless set, so 400 days land in the first run": the newest 90 and four ranges of 90.
    for (const source of ["facebook_ads", "tiktok_ads", "google_ads"] as const) {
      assert.equal(connectors[source].historyRangesPerRun, 4);
      assert.ok(90 + 90 * connectors[source].historyRangesPerRun >= 400);
    }
  });

  it("asks Google Ads for v25 and Shopify for 2026-10 unless set: Google switched v22 off on 7 October 2026", () => {
    // Google sunsets each Google Ads API version about a year after its release; a request to a switched-off
    // version fails. v23 to v25 are served in December 2026.
    const { connectors } = loadConfig({ env: {}, cwd: "/tmp" });
    assert.equal(connectors.google_ads.apiVersion, "v25");
    assert.equal(connectors.facebook_ads.apiVersion, "v24.0");
    // Shopify serves a stable version for a year: 2026-10 is the newest of December 2026 (2025-10's year is up).
    assert.equal(connectors.shopify.apiVersion, "2026-10");
  });

  it("has the retry, throttle and bulk defaults docs/connectors.md gives, the polls within ingest's timeout", () => {
    const { connectors } = loadConfig({ env: {}, cwd: "/tmp" });
    assert.deepEqual(connectors.retry, { maxAttempts: 5, maxDelaySeconds: 60, requestTimeoutSeconds: 120 });
    assert.equal(connectors.facebook_ads.usageThrottlePercent, 75);
    const { bulkThresholdDays, bulkPollSeconds, bulkMaxPolls } = connectors.shopify;
    assert.deepEqual(
      { bulkThresholdDays, bulkPollSeconds, bulkMaxPolls },
      {
        bulkThresholdDays: 90,
        bulkPollSeconds: 10,
        bulkMaxPolls: 40,
      },
    );
    // "Ingest's timeout is 540 s … whose default polls (40 of 10 s) end within that timeout."
    const ingest = pipeline.steps.find((step) => step.name === "ingest");
    assert.equal(ingest?.timeoutSeconds, 540);
    assert.ok(bulkPollSeconds * bulkMaxPolls < 540);
  });

  it("accepts docs/connectors.md's example settings as written", () => {
    const readme = readFileSync(new URL("../../docs/connectors.md", import.meta.url), "utf8");
    const example =
      /\*\*Settings\*\* \(settings file only, under `connectors`[^\n]*\n?[^\n]*\n\n```json\n([\s\S]*?)\n```/.exec(
        readme,
      )?.[1];
    assert.ok(example, "docs/connectors.md's connector settings example");
    const { connectors } = JSON.parse(example) as { connectors: unknown };
    const loaded = withSettings(connectors).connectors;
    assert.equal(loaded.shopify.bulkThresholdDays, 90);
    assert.deepEqual(loaded.facebook_ads.accountIds, ["act_1029384756102938"]);
    assert.deepEqual(loaded.reconciliation.tolerance, 0.02);
  });

  it("is read from the settings file only (no variable, no flag), every key optional but an enabled Shopify's shopDomain", () => {
    // docs/connectors.md: "**Settings** (settings file only, under `connectors`; every key optional, except that an
    // enabled Shopify connector needs its `shopDomain`, the shop's `<name>.myshopify.com`, and is refused when the
    // settings are read without it)".
    assert.equal(SETTING_OPTIONS.connectors.env, undefined);
    assert.equal(SETTING_OPTIONS.connectors.flag, undefined);
    const empty = {
      shopify: {},
      facebook_ads: {},
      tiktok_ads: {},
      google_ads: {},
      retry: {},
      reconciliation: {},
    };
    assert.deepEqual(withSettings(empty).connectors, loadConfig({ env: {}, cwd: "/tmp" }).connectors);
    for (const source of ["facebook_ads", "tiktok_ads", "google_ads"] as const)
      assert.equal(withSettings({ [source]: { enabled: true } }).connectors[source].enabled, true, source);
    assert.equal(
      withSettings({ shopify: { enabled: true, shopDomain: "maison-lune.myshopify.com" } }).connectors.shopify
        .enabled,
      true,
    );
  });

  it("refuses an enabled Shopify connector without the shop's <name>.myshopify.com, saying what to set", () => {
    // It used to run against example.myshopify.com, a default no shop has, and fail only at pull time.
    const refusal = (shopify: object) => {
      try {
        withSettings({ shopify });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.message;
      }
      return "accepted";
    };
    const fix =
      /connectors\.shopify\.shopDomain: .*set connectors\.shopify\.shopDomain to the shop's <name>\.myshopify\.com/;
    assert.match(refusal({ enabled: true }), fix);
    assert.match(refusal({ enabled: true, pageSize: 50 }), fix);
    for (const wrong of ["maison-lune", "https://maison-lune.myshopify.com", "maison-lune.com", "ab"])
      assert.match(refusal({ enabled: true, shopDomain: wrong }), fix, wrong);
    assert.equal(refusal({ enabled: true, shopDomain: "Maison-Lune-2.myshopify.com" }), "accepted");
    // Off, the connector needs no shop, and none is made up.
    assert.equal(refusal({ enabled: false }), "accepted");
    assert.equal(loadConfig({ env: {}, cwd: "/tmp" }).connectors.shopify.shopDomain, undefined);
  });

  it("init --sources shopify writes settings that load: it enables no connector", () => {
    const written = buildSettings({ shopName: "Maison Lune", sources: "shopify" }, undefined);
    const loaded = loadConfig({ env: { PULSE_SETTINGS: JSON.stringify(written) }, cwd: "/tmp" });
    assert.equal(loaded.connectors.shopify.enabled, false);
    assert.equal(loaded.shop.name, "Maison Lune");
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
