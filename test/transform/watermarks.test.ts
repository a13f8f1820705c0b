// The watermark's text: per-table times as JSON, read back as they were saved, and the one time earlier versions
// saved read as every table's; the state's name stays short.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { warehouseState } from "../../functions/lib/warehouse-state.ts";
import {
  EPOCH_WATERMARK,
  EVENT_TABLES,
  extractionMarks,
  type LandedSpan,
  landedSpan,
  relandedTables,
  watermarkText,
} from "../../functions/transform/changes.ts";

const MARKS = {
  shopify_orders: "2026-11-22 05:00:00.123456+00",
  facebook_ads_insights: "2026-11-22 05:30:00+00",
  tiktok_ads_reports_daily: EPOCH_WATERMARK,
  google_ads_campaign_stats: "2026-11-21 23:59:59+00",
  google_ads_asset_group_stats: "2026-11-21 23:58:00+00",
  google_ads_campaign_totals: "2026-11-21 23:57:00+00",
  fx_rates: "2026-11-21 16:00:00+00",
};

describe("watermarks", () => {
  it("round-trips each table's time exactly", () => {
    assert.deepEqual(extractionMarks(watermarkText(MARKS)), MARKS);
  });

  it("reads one time, as earlier versions saved it, as every table's", () => {
    const marks = extractionMarks("2026-11-21 05:30:00+00");
    assert.deepEqual(Object.keys(marks), [...EVENT_TABLES]);
    for (const table of EVENT_TABLES) assert.equal(marks[table], "2026-11-21 05:30:00+00");
  });

  it("starts a table missing from the text at the epoch", () => {
    const marks = extractionMarks(JSON.stringify({ shopify_orders: MARKS.shopify_orders }));
    assert.equal(marks.shopify_orders, MARKS.shopify_orders);
    assert.equal(marks.facebook_ads_insights, EPOCH_WATERMARK);
  });

  it("names a state by its run date and a short digest of the per-table times", () => {
    const name = warehouseState({ runDate: "2026-11-21", watermark: watermarkText(MARKS) });
    assert.match(name, /^2026-11-21@[0-9a-f]{12}$/);
    const other = warehouseState({
      runDate: "2026-11-21",
      watermark: watermarkText({ ...MARKS, tiktok_ads_reports_daily: "2026-11-22 06:00:00+00" }),
    });
    assert.notEqual(other, name);
    // A state saved by an earlier version keeps its name, so the export's chunks of it stay valid.
    assert.equal(
      warehouseState({ runDate: "2026-11-21", watermark: "2026-11-22 06:00:00+00" }),
      "2026-11-21@2026-11-22 06:00:00+00",
    );
  });

  const SPAN: LandedSpan = {
    hours: 24,
    tables: {
      shopify_orders: { rows: 1200, digest: "-4611686018427387904" },
      facebook_ads_insights: { rows: 40, digest: "1152921504606846975" },
      tiktok_ads_reports_daily: { rows: 0, digest: "0" },
      google_ads_campaign_stats: { rows: 7, digest: "12345" },
      google_ads_asset_group_stats: { rows: 3, digest: "678" },
      google_ads_campaign_totals: { rows: 2, digest: "91" },
      fx_rates: { rows: 30, digest: "-17" },
    },
  };

  it("keeps the span of rows landed before the marks beside them, read back as written", () => {
    const text = watermarkText(MARKS, SPAN);
    assert.deepEqual(landedSpan(text), SPAN);
    assert.deepEqual(extractionMarks(text), MARKS);
  });

  it("has no span in a watermark without one, one time for all tables or a span missing a table", () => {
    assert.equal(landedSpan(watermarkText(MARKS)), null);
    assert.equal(landedSpan("2026-11-21 05:30:00+00"), null);
    const { google_ads_campaign_stats: _dropped, ...fewerTables } = SPAN.tables;
    assert.equal(landedSpan(JSON.stringify({ ...MARKS, landed: { hours: 24, tables: fewerTables } })), null);
  });

  it("names the tables whose rows in the span changed, by count or by digest alone", () => {
    assert.deepEqual(relandedTables(SPAN, SPAN.tables), []);
    const now = {
      ...SPAN.tables,
      shopify_orders: { rows: 1201, digest: SPAN.tables.shopify_orders.digest },
      google_ads_campaign_stats: { rows: 7, digest: "54321" },
    };
    assert.deepEqual(relandedTables(SPAN, now), ["shopify_orders", "google_ads_campaign_stats"]);
  });
});
