// The deck's words that came with an ISO date or a UTC timestamp, in a German and a Japanese shop's: the channel
// gaps mart's "no data after 2026-11-16" and the methodology's "Last loaded" ("2026-11-17 05:00 UTC"), beside the
// slides' other dates that already read "Mo. 16. Nov." and "11月16日(月)". Expected dates from Intl.DateTimeFormat.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ContentSlide, TableSpec } from "../../functions/report/deck-model.ts";
import { germanLongDate, japaneseLongDate } from "../support/reader-dates.ts";
import { buildReportData, CHANNEL_GAPS } from "./report-data-fixture.ts";

const BERLIN: ReportData["shop"] = {
  name: "Nordwind Waren",
  currency: "EUR",
  locale: "de-DE",
  timezone: "Europe/Berlin",
  country: "DE",
};
const TOKYO: ReportData["shop"] = {
  name: "Kissa Tokyo",
  currency: "JPY",
  locale: "ja-JP",
  timezone: "Asia/Tokyo",
  country: "JP",
};

function table(shop: ReportData["shop"], id: string): TableSpec {
  const deck = buildDeckContent({ ...buildReportData(), shop });
  const found = deck.slides
    .filter((slide): slide is ContentSlide => slide.kind !== "cover")
    .flatMap((slide) => slide.blocks)
    .flatMap((placed) => (placed.block.type === "table" ? [placed.block.table] : []))
    .find((spec) => spec.id === id);
  assert.ok(found, `a table ${id}`);
  return found;
}

const text = (spec: TableSpec, row: number, column: number) => spec.rows[row]?.[column]?.text;

/** The time of day and zone of an instant on the shop's clock, as Intl writes them in the shop's locale. */
const clock = (shop: ReportData["shop"], instant: string) =>
  new Intl.DateTimeFormat(shop.locale, {
    timeZone: shop.timezone,
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(instant));

describe("the deck's stored dates and load times, in the shop's locale and time zone", () => {
  for (const [shop, longDate] of [
    [BERLIN, germanLongDate],
    [TOKYO, japaneseLongDate],
  ] as const) {
    it(`writes the channel gaps' "no data after" day as ${shop.locale} does`, () => {
      const meta = CHANNEL_GAPS.find((gap) => gap.channel === "meta");
      assert.equal(meta?.explanation, "Meta Ads source stale: no data after 2026-11-16");
      const gaps = table(shop, "channel-gaps");
      const row = gaps.rows.findIndex((cells) => cells[1]?.text.startsWith("Meta Ads source stale"));
      assert.equal(text(gaps, row, 1), `Meta Ads source stale: no data after ${longDate("2026-11-16")}`);
    });

    it(`writes when each source last loaded on the ${shop.timezone} clock, as ${shop.locale} does`, () => {
      const sources = table(shop, "methodology-sources");
      // The fixture's Meta Ads last loaded at 05:00 UTC on the 17th: 06:00 in Berlin, 14:00 in Tokyo, the 17th both.
      const row = sources.rows.findIndex((cells) => cells[0]?.text === "Meta Ads");
      assert.equal(text(sources, row, 2), `${longDate("2026-11-17")} ${clock(shop, "2026-11-17T05:00:00Z")}`);
      assert.doesNotMatch(sources.rows.map((cells) => cells[2]?.text).join(" "), /UTC|\d{4}-\d{2}-\d{2}/);
    });
  }
});
