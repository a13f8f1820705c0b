import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  channelLabel,
  channelOfSource,
  channelsParam,
  PAID_CHANNELS,
  parseChannels,
} from "../../../functions/lib/sql/channels.ts";

const list = (channels: object[]) => JSON.stringify({ description: "test", channels });
const direct = { channel: "direct", label: "Direct", utm_sources: [], without_utm_source: true };
const other = { channel: "other", label: "Other", utm_sources: [], unmatched_utm_source: true };

describe("the channel list (sql/reference/channels.json)", () => {
  it("gives labels, the paid channels and the channel of each ad platform", () => {
    assert.deepEqual(PAID_CHANNELS, ["meta", "tiktok", "google_ads"]);
    assert.equal(channelLabel("direct_or_organic"), "Direct & organic");
    assert.equal(channelLabel("unknown_channel"), "unknown_channel");
    assert.equal(channelOfSource("facebook_ads"), "meta");
    assert.equal(channelOfSource("shopify"), undefined);
  });

  it("binds as the models' @channels parameter with the paid flag and the source's label", () => {
    const meta = (JSON.parse(channelsParam()) as { channel: string }[]).find(
      (item) => item.channel === "meta",
    );
    assert.deepEqual(
      { ...meta, utm_sources: undefined },
      {
        channel: "meta",
        label: "Meta",
        source: "facebook_ads",
        utm_sources: undefined,
        is_paid_channel: true,
        source_label: "Meta Ads",
      },
    );
  });

  it("refuses a list the SQL would read wrong", () => {
    assert.ok(parseChannels(list([direct, other])));
    assert.throws(() => parseChannels(list([direct, direct, other])), /twice/);
    assert.throws(() => parseChannels(list([other])), /without_utm_source/);
    const email = { channel: "email", label: "Email", utm_sources: [{ source: "email" }] };
    assert.throws(
      () => parseChannels(list([direct, other, email, { ...email, channel: "mail" }])),
      /two channels/,
    );
    assert.throws(() => parseChannels(list([direct, other, { ...email, source: "no_such_source" }])));
    // stg_shopify_orders joins the rules with a medium and those without separately: one order, one rule.
    const paid = {
      channel: "paid_email",
      label: "Paid email",
      utm_sources: [{ source: "email", medium: "cpc" }],
    };
    assert.throws(() => parseChannels(list([direct, other, email, paid])), /could match both/);
    assert.ok(parseChannels(list([direct, other, paid, { ...email, utm_sources: [{ source: "mail" }] }])));
  });
});
