// init's settings document, as a pure function: the shop's country comes from --country, else from the time zone
// given with --timezone, else it is left to the default (a zone proposed from the exports' offsets is not enough).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSettings } from "../../functions/cli/init.ts";

// A stand-in for the tz database: two zones with a country, every other zone without one.
const countryOfZone = (zone: string) => ({ "Europe/Paris": "fr", "Europe/Berlin": "DE" })[zone];
const shopOf = (settings: Record<string, unknown>) => settings.shop as Record<string, string>;

describe("init's settings: the shop's country", () => {
  it("is the given time zone's country when --country is not given", () => {
    const shop = shopOf(
      buildSettings({ shopName: "Lune", timezone: "Europe/Paris" }, undefined, countryOfZone),
    );
    assert.deepEqual([shop.timezone, shop.country], ["Europe/Paris", "FR"]);
  });

  it("is left to the default for a time zone proposed from the exports' offsets, which several countries share", () => {
    const shop = shopOf(buildSettings({ shopName: "Lune" }, "Europe/Berlin", countryOfZone));
    assert.deepEqual([shop.timezone, shop.country], ["Europe/Berlin", undefined]);
  });

  it("is --country when given, whatever the zone", () => {
    const shop = shopOf(
      buildSettings({ shopName: "Lune", timezone: "Europe/Paris", country: "be" }, undefined, countryOfZone),
    );
    assert.equal(shop.country, "BE");
  });

  it("is left out (the default applies) for a zone of no country, or no zone at all", () => {
    assert.equal(
      shopOf(buildSettings({ shopName: "Lune", timezone: "UTC" }, undefined, countryOfZone)).country,
      undefined,
    );
    assert.equal(shopOf(buildSettings({ shopName: "Lune" }, undefined, countryOfZone)).country, undefined);
  });
});
