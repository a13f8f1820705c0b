// The deck's paid totals are over the paid channels whose spend is known. A shop that connects Meta alone still
// has orders tagged utm_source=tiktok (organic posts, or ads on a platform it has not connected): TikTok's
// attributed revenue over Meta's spend read as the paid ROAS. The hand-made month: Meta spends $100 for $300 of
// attributed revenue over 3 orders; TikTok, whose ad platform the shop has not connected, has $200 over 2 orders
// and no spend. The old totals read ROAS 500 / 100 = 5.00×; over Meta alone it is 300 / 100 = 3.00×.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays, addMonths, monthStart } from "../../functions/lib/calendar.ts";
import type {
  ChannelDayRow,
  ChannelMonthRow,
  ReportData,
} from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ContentSlide, DeckContent, TableSpec } from "../../functions/report/deck-model.ts";
import { buildReportData, RUN_DATE } from "./report-data-fixture.ts";

const RUN_MONTH = monthStart(RUN_DATE);

function tableOf(content: DeckContent, id: string): TableSpec {
  for (const slide of content.slides as ContentSlide[]) {
    for (const placed of slide.blocks ?? []) {
      if (placed.block.type === "table" && placed.block.table.id === id) return placed.block.table;
    }
  }
  assert.fail(`no table ${id}`);
}

const texts = (table: TableSpec) => table.rows.map((row) => row.map((cell) => cell.text));

function monthRow(month: string, channel: string, figures: Partial<ChannelMonthRow>): ChannelMonthRow {
  return {
    month,
    channel,
    is_paid_channel: true,
    days: 21,
    spend: 0,
    impressions: 0,
    clicks: 0,
    platform_conversions: 0,
    platform_conversion_value: 0,
    attributed_orders: 0,
    attributed_new_customers: 0,
    attributed_revenue: 0,
    attributed_new_customer_revenue: 0,
    roas: null,
    platform_roas: null,
    cpa: null,
    ctr: null,
    cpc: null,
    incomplete_days: 0,
    is_complete: true,
    ...figures,
  };
}

/** Meta's month: $100 of spend, 4,000 impressions, 50 clicks; 3 orders, all first orders, for $300. */
const meta = (month: string) =>
  monthRow(month, "meta", {
    spend: 100,
    impressions: 4_000,
    clicks: 50,
    platform_conversions: 4,
    platform_conversion_value: 400,
    attributed_orders: 3,
    attributed_new_customers: 3,
    attributed_revenue: 300,
    attributed_new_customer_revenue: 300,
    roas: 3,
    platform_roas: 4,
    cpa: 100 / 3,
    ctr: 50 / 4_000,
    cpc: 2,
  });

/** TikTok's month: no platform figures at all (not connected); 2 orders, both first orders, for $200. */
const tiktok = (month: string) =>
  monthRow(month, "tiktok", {
    attributed_orders: 2,
    attributed_new_customers: 2,
    attributed_revenue: 200,
    attributed_new_customer_revenue: 200,
  });

/** The run day, the only day of the 28 with a channel row: Meta's and TikTok's figures of the month. */
function runDayRows(): ChannelDayRow[] {
  return [
    { ...meta(RUN_MONTH), date: RUN_DATE, roas: 3 },
    { ...tiktok(RUN_DATE), date: RUN_DATE, roas: null },
  ].map((row) => ({
    date: row.date,
    channel: row.channel,
    spend: row.spend,
    impressions: row.impressions,
    clicks: row.clicks,
    platform_conversions: row.platform_conversions,
    platform_conversion_value: row.platform_conversion_value,
    attributed_orders: row.attributed_orders,
    attributed_revenue: row.attributed_revenue,
    roas: row.roas,
  }));
}

/** A channel's day of one attributed order of `revenue` and nothing from an ad platform. */
function ordersOnlyDay(date: string, channel: string, revenue: number): ChannelDayRow {
  return {
    date,
    channel,
    spend: 0,
    impressions: 0,
    clicks: 0,
    platform_conversions: 0,
    platform_conversion_value: 0,
    attributed_orders: 1,
    attributed_revenue: revenue,
    roas: null,
  };
}

/**
 * The fixture's shop with Meta and TikTok as its only paid channels (the run month and the month before alike) and
 * every source landed on every day. `connected`: the sources check-sources judged (those the shop uses).
 */
function metaOnlyShop(connected: readonly string[] | "unknown"): ReportData {
  const data = buildReportData();
  const previousMonth = addMonths(RUN_DATE, -1);
  data.marts.channelMonths = [previousMonth, RUN_MONTH].flatMap((month) => [meta(month), tiktok(month)]);
  data.marts.channelMix = [];
  data.channels = runDayRows();
  for (const row of data.daily) {
    row.is_complete = true;
    row.missing_sources = null;
    row.unconverted_sources = null;
  }
  data.sources =
    connected === "unknown" ? [] : data.sources.filter((status) => connected.includes(status.source));
  return data;
}

describe("deck: paid totals over the channels whose spend is known", () => {
  const content = buildDeckContent(metaOnlyShop(["shopify", "facebook_ads"]));

  it("the month's paid channel table: TikTok keeps its row, n/a spend and ratios, and the total is Meta's 3.00×", () => {
    const table = tableOf(content, "channel-performance");
    assert.deepEqual(texts(table), [
      ["Meta", "$100", "$300", "3.00×", "4.00×", "3", "$33.33", "1.25%", "$2.00"],
      ["TikTok", "n/a", "$200", "n/a", "n/a", "2", "n/a", "n/a", "n/a"],
      // 300 / 100 = 3.00× (was (300 + 200) / 100 = 5.00×); CPA 100 / 3 orders, not 100 / 5.
      ["All paid channels but TikTok", "$100", "$300", "3.00×", "4.00×", "3", "$33.33", "1.25%", "$2.00"],
    ]);
    assert.equal(
      table.note,
      "TikTok has no spend to count (not connected): the paid total leaves out its attributed revenue and orders.",
    );
    // The month before reads the same.
    assert.deepEqual(texts(tableOf(content, "channel-performance-previous")).at(-1)?.slice(0, 4), [
      "All paid channels but TikTok",
      "$100",
      "$300",
      "3.00×",
    ]);
  });

  it("the run day's Channels table: the total leaves TikTok out by name, ROAS 3.00", () => {
    const table = tableOf(content, "channels-run-day");
    assert.deepEqual(texts(table), [
      ["Meta", "$100", "$300", "3.00", "50", "1.25%", "$2.00", "4"],
      ["TikTok", "n/a", "$200", "n/a", "n/a", "n/a", "n/a", "n/a"],
      ["All paid channels but TikTok", "$100", "$300", "3.00", "50", "1.25%", "$2.00", "4"],
    ]);
    assert.equal(
      table.note,
      "TikTok has no spend to count (not connected): the paid total leaves out its attributed revenue and orders.",
    );
  });

  it("new customers by channel: the total's new-customer ROAS is 3.00× and its CPA $33.33", () => {
    const table = tableOf(content, "new-customers-by-channel");
    const rows = texts(table);
    assert.deepEqual(
      rows.map((row) => [row[0], row[1], row[2], row[3], row[6]]),
      [
        ["Meta", "$100", "3", "$33.33", "3.00×"],
        ["TikTok", "n/a", "2", "n/a", "n/a"],
        // 300 / 100 = 3.00× (was 500 / 100 = 5.00×); 100 / 3 new customers (was 100 / 5 = $20.00).
        ["All paid channels but TikTok", "$100", "3", "$33.33", "3.00×"],
      ],
    );
    assert.match(
      table.note ?? "",
      /^TikTok has no spend to count \(not connected\): the paid total leaves out its new customers and their revenue\. /,
    );
  });

  it("the monthly PPC index: the month's paid ROAS is 3.00× and its CPA $33.33, and the note says why", () => {
    const table = tableOf(content, "ppc-index");
    const november = texts(table).find((row) => row[0] === "Nov 2026");
    // Paid spend, attributed revenue, paid ROAS, ROAS index (no 6 months before), CPA.
    assert.deepEqual(november?.slice(1, 6), ["$100", "$300", "3.00×", "n/a", "$33.33"]);
    assert.ok(
      (table.note ?? "").includes(
        "Paid channels with spend only: TikTok (not connected) has orders but no spend to count, and its revenue is left out.",
      ),
      table.note,
    );
  });

  it("without the shop's source statuses, a channel with no platform figures reads 'no spend reported', its $0 shown", () => {
    const unknown = buildDeckContent(metaOnlyShop("unknown"));
    const table = tableOf(unknown, "channel-performance");
    assert.deepEqual(texts(table).slice(1), [
      ["TikTok", "$0", "$200", "n/a", "n/a", "2", "n/a", "n/a", "n/a"],
      ["All paid channels but TikTok", "$100", "$300", "3.00×", "4.00×", "3", "$33.33", "1.25%", "$2.00"],
    ]);
    assert.equal(
      table.note,
      "TikTok has no spend to count (no spend reported): the paid total leaves out its attributed revenue and orders.",
    );
  });

  it("a connected channel with spend in the 28 days but none on the run day stays in the run day's total", () => {
    const data = metaOnlyShop(["shopify", "facebook_ads", "tiktok_ads"]);
    // TikTok spent $50 for $0 the day before: its run day's $0 of spend is known, and counted.
    data.channels.push({
      date: addDays(RUN_DATE, -1),
      channel: "tiktok",
      spend: 50,
      impressions: 1_000,
      clicks: 10,
      platform_conversions: 0,
      platform_conversion_value: 0,
      attributed_orders: 0,
      attributed_revenue: 0,
      roas: 0,
    });
    const rows = texts(tableOf(buildDeckContent(data), "channels-run-day"));
    // (300 + 200) / (100 + 0) = 5.00: both channels' spend that day is known.
    assert.deepEqual(rows.at(-1)?.slice(0, 4), ["All paid channels", "$100", "$500", "5.00"]);
  });

  it("names the channels left out for one reason in one sentence", () => {
    const data = metaOnlyShop(["shopify", "facebook_ads"]);
    // Google Ads, not connected either, with one order of $50 on the run day.
    data.channels.push(ordersOnlyDay(RUN_DATE, "google_ads", 50));
    const table = tableOf(buildDeckContent(data), "channels-run-day");
    // Over Meta alone still: 300 / 100.
    assert.deepEqual(texts(table).at(-1)?.slice(0, 4), [
      "All paid channels but TikTok, Google Ads",
      "$100",
      "$300",
      "3.00",
    ]);
    assert.equal(
      table.note,
      "TikTok and Google Ads have no spend to count (not connected): the paid total leaves out their attributed revenue and orders.",
    );
  });

  it("gives a channel that buys no ads, without an order on the run day, $0 rather than a stale source's 'no data'", () => {
    const data = metaOnlyShop(["shopify", "facebook_ads"]);
    // Direct & organic had $80 the day before and nothing on the run day.
    data.channels.push(ordersOnlyDay(addDays(RUN_DATE, -1), "direct_or_organic", 80));
    const table = tableOf(buildDeckContent(data), "channels-run-day");
    assert.deepEqual(
      texts(table).find((row) => row[0] === "Direct & organic"),
      ["Direct & organic", "$0", "$0", "n/a", "0", "n/a", "n/a", "0"],
    );
    assert.doesNotMatch(table.note ?? "", /No data for/);
  });

  it("gives a paid channel not connected, without an order on the run day, n/a spend and $0, not 'no data'", () => {
    const data = metaOnlyShop(["shopify", "facebook_ads"]);
    // TikTok's orders were the day before ($200), none on the run day.
    data.channels = data.channels.map((row) =>
      row.channel === "tiktok" ? { ...row, date: addDays(RUN_DATE, -1) } : row,
    );
    const table = tableOf(buildDeckContent(data), "channels-run-day");
    assert.deepEqual(texts(table), [
      ["Meta", "$100", "$300", "3.00", "50", "1.25%", "$2.00", "4"],
      ["TikTok", "n/a", "$0", "n/a", "n/a", "n/a", "n/a", "n/a"],
    ]);
    assert.equal(table.note, "TikTok has no spend to count (not connected).");
  });
});
