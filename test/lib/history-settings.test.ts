// The pure side of the settings every day of history depends on: what a change says, and what it never shows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hmacKeyPads, piiKeyId } from "../../functions/lib/pii.ts";
import {
  changedHistorySettings,
  historySettings,
  sameHistorySettings,
} from "../../functions/lib/history-settings.ts";

const settings = (timezone: string, key: string, channels = "[]", currencyPlaces = 2, currency = "USD") =>
  historySettings({ timezone, piiKeyId: piiKeyId(hmacKeyPads(key)), channels, currencyPlaces, currency });

describe("history settings", () => {
  it("names a changed time zone with both values", () => {
    assert.deepEqual(
      changedHistorySettings(settings("America/New_York", "k1"), settings("Europe/London", "k1")),
      ["the shop's time zone (America/New_York → Europe/London)"],
    );
  });

  it("names a changed number of currency decimals with both values", () => {
    assert.deepEqual(
      changedHistorySettings(settings("Asia/Kuwait", "k1"), settings("Asia/Kuwait", "k1", "[]", 3)),
      ["the shop currency's decimals (2 → 3)"],
    );
  });

  it("names a changed shop currency with both values: every day's foreign ad spend converts to it", () => {
    assert.deepEqual(
      changedHistorySettings(settings("Europe/Paris", "k1"), settings("Europe/Paris", "k1", "[]", 2, "EUR")),
      ["the shop's currency (USD → EUR)"],
    );
  });

  it("names a changed key or channel list without any value", () => {
    const changed = changedHistorySettings(
      settings("Europe/London", "first-key"),
      settings("Europe/London", "second-key", '[{"channel":"meta"}]'),
    );
    assert.deepEqual(changed, ["the PII hashing key", "the channel list (sql/reference/channels.json)"]);
  });

  it("tells keys apart by an id that does not contain the key", () => {
    const first = piiKeyId(hmacKeyPads("first-key-long-enough"));
    assert.match(first, /^[0-9a-f]{16}$/);
    assert.equal(first, piiKeyId(hmacKeyPads("first-key-long-enough")));
    assert.notEqual(first, piiKeyId(hmacKeyPads("second-key-long-enough")));
  });

  it("takes a setting the tables were saved without as unchanged", () => {
    const now = settings("Europe/London", "k1");
    assert.deepEqual(changedHistorySettings({}, now), []);
    assert.deepEqual(changedHistorySettings({ shop_timezone: "Europe/London" }, now), []);
    assert.equal(sameHistorySettings({ shop_timezone: "Europe/London" }, now), false, "still saved again");
  });

  it("compares saved and current settings whatever their order", () => {
    const now = settings("Europe/London", "k1");
    const reversed = Object.fromEntries(Object.entries(now).reverse());
    assert.equal(sameHistorySettings(reversed, now), true);
    assert.equal(sameHistorySettings(settings("Asia/Tokyo", "k1"), now), false);
  });
});
