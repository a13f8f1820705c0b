// The closing "what to do" slide: each kind of finding maps to its action sentence (one per subject, most
// severe first), a paid channel whose CPA rose past the threshold gets a review, and the reconciliation
// scoreboard shows both numbers and the difference for every source and metric.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelMonthRow, ReconciliationRow } from "../../functions/lib/reporting/report-data.ts";
import { countryName, regionName } from "../../functions/lib/reporting/region-names.ts";
import {
  ACTION_RULES,
  actionsSlide,
  CPA_RISE_THRESHOLD,
  cpaRiseActions,
  findingActions,
} from "../../functions/report/deck-actions.ts";
import { buildDeckContent, deckContext } from "../../functions/report/deck-content.ts";
import type { ContentSlide } from "../../functions/report/deck-model.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { ModelColumnsChangedError } from "../../functions/shared/model-columns.ts";
import { ColumnChangeRebuilds } from "../../functions/transform/model-shapes.ts";
import { openDeck, slideWithTitle, tableRows } from "./pptx-reader.ts";
import { buildReportData } from "./report-data-fixture.ts";

const finding = (check: string, severity: Finding["severity"], extra: Partial<Finding> = {}): Finding => ({
  check,
  step: "check-quality",
  severity,
  blocking: false,
  subject: "subject",
  message: `${check} happened`,
  ...extra,
});

describe("what to do: actions from findings", () => {
  it("asks to reconnect a stale source, citing its last day, and to fix a channel's UTM tags", () => {
    const actions = findingActions(
      [
        finding("attribution_broken", "critical", { subject: "tiktok" }),
        finding("source_freshness", "critical", { subject: "facebook_ads", source: "facebook_ads" }),
      ],
      { lastDay: (source) => (source === "facebook_ads" ? "Tue 24 Nov" : null) },
    );
    assert.deepEqual(
      actions.map((action) => action.text),
      [
        "Fix TikTok's UTM tags: it spent with no attributed revenue, so its ROAS reads as 0.",
        "Reconnect Meta — no data since Tue 24 Nov: until it syncs, spend, ROAS, MER and CAC leave it out.",
      ],
    );
  });

  it("asks for the exchange rates a platform's spend lacks (its rows landed), or for the currency its rows lack", () => {
    const actions = findingActions([
      finding("exchange_rate_missing", "warning", {
        subject: "facebook_ads.act_9",
        source: "facebook_ads",
        observed: "USD: 2026-11-12, 2026-11-13",
      }),
      finding("exchange_rate_missing", "warning", {
        subject: "tiktok_ads.61",
        source: "tiktok_ads",
        observed: "no currency: 2026-11-12",
      }),
    ]);
    assert.deepEqual(
      actions.map((action) => action.text),
      [
        "Give Meta's USD spend its exchange rates: its rows landed, but its days without a rate are left out of spend, ROAS, MER and CAC (which days, and how: Data quality).",
        "Fix the currency of TikTok's rows: without one its spend cannot be converted, and is left out of spend, ROAS, MER and CAC.",
      ],
    );
  });

  it("gives one action per kind and subject, most severe first, and 'Review' for a kind it has no rule for", () => {
    const actions = findingActions([
      finding("something_new", "warning", { message: "A new check fired." }),
      finding("connector_auth", "critical", { subject: "google_ads", source: "google_ads" }),
      finding("connector_auth", "critical", { subject: "google_ads", source: "google_ads" }),
      finding("metric_anomaly", "info", { metric: "revenue" }),
    ]);
    assert.deepEqual(
      actions.map((action) => action.text),
      [
        "Reconnect Google Ads: its API credentials were refused, so nothing new has loaded.",
        "Review: A new check fired.",
      ],
    );
  });

  it("sends a BigQuery cost jump to the pipeline's engineer, with the command that finds the model", () => {
    assert.deepEqual(
      findingActions([finding("transform_cost_jump", "warning", { subject: "transform" })]).map(
        (action) => action.text,
      ),
      [
        "Have the pipeline's engineer find the model that now reads all history: the daily BigQuery bill jumped (npm start -- plan --cloud).",
      ],
    );
  });

  it("sends an unpartitioned raw table to the pipeline's engineer, naming it", () => {
    assert.deepEqual(
      findingActions([
        finding("inventory_unpartitioned_table", "warning", {
          subject: "shopify_orders",
          table: "shopify_orders",
          source: "shopify",
        }),
      ]).map((action) => action.text),
      [
        "Have the pipeline's engineer recreate raw.shopify_orders partitioned by day on _airbyte_extracted_at (the statements: Data quality): until then every daily run reads its whole history.",
      ],
    );
  });

  it("asks nothing of tables the transform rebuilt after an upgrade changed their columns", () => {
    const rebuilds = new ColumnChangeRebuilds(silentLogger());
    rebuilds.columnsChanged(
      new ModelColumnsChangedError("marts", "daily_kpis", { added: ["orders"], removed: [], retyped: [] }),
    );
    const [rebuilt] = rebuilds.findings();
    assert.equal(rebuilt?.severity, "warning");
    assert.deepEqual(
      findingActions([
        rebuilt as Finding,
        finding("connector_failed", "warning", { source: "tiktok_ads" }),
      ]).map((action) => action.text),
      ["Check the TikTok connection: the last pull failed; the next run retries the same days."],
    );
    // An ads connector's history still coming in: the older days' figures leave the platform out until it lands.
    assert.deepEqual(
      findingActions([
        finding("connector_history_owed", "warning", { source: "facebook_ads", observed: 220 }),
      ]).map((action) => action.text),
      [
        "Read older days with care: 220 days of Meta's history are still to pull, so their spend, ROAS and MER leave it out; the next runs pull them.",
      ],
    );
  });

  it("writes a possessive of a name ending in s as English does: Google Ads', not Google Ads's", () => {
    assert.deepEqual(
      findingActions([
        finding("connector_history_owed", "warning", { source: "google_ads", observed: 60 }),
        finding("attribution_broken", "critical", { source: "google_ads" }),
      ]).map((action) => action.text),
      [
        "Fix Google Ads' UTM tags: it spent with no attributed revenue, so its ROAS reads as 0.",
        "Read older days with care: 60 days of Google Ads' history are still to pull, so their spend, ROAS and MER leave it out; the next runs pull them.",
      ],
    );
  });

  it("has a rule for every finding kind the checks raise about sources and attribution", () => {
    for (const kind of [
      "connector_auth",
      "connector_failed",
      "connector_history_owed",
      "source_freshness",
      "source_missing",
      "attribution_broken",
      "attribution_no_utms",
      "attribution_coverage",
      "reconciliation_mismatch",
      "reconciliation_unavailable",
    ])
      assert.equal(typeof ACTION_RULES[kind], "function", kind);
  });

  const month = (monthStart: string, channel: string, spend: number, orders: number, complete = true) =>
    ({
      month: monthStart,
      channel,
      is_paid_channel: true,
      spend,
      attributed_orders: orders,
      cpa: Math.round((spend / orders) * 100) / 100,
      is_complete: complete,
    }) as ChannelMonthRow;

  it("reviews a paid channel whose CPA rose past the threshold, not one under it or one incomplete", () => {
    const rows = [
      month("2026-10-01", "google_ads", 10_000, 200), // $50.00
      month("2026-11-01", "google_ads", 13_000, 200), // $65.00: +30%
      month("2026-10-01", "meta", 10_000, 200), // $50.00
      month("2026-11-01", "meta", 11_000, 200), // $55.00: +10%
      month("2026-10-01", "tiktok", 5_000, 100),
      month("2026-11-01", "tiktok", 9_000, 100, false), // +80% but spend incomplete
    ];
    assert.ok(0.1 < CPA_RISE_THRESHOLD && CPA_RISE_THRESHOLD < 0.3);
    const actions = cpaRiseActions(rows, "2026-11-21", { currency: "USD", locale: "en-US" });
    assert.deepEqual(
      actions.map((action) => action.text),
      ["Review Google Ads: its CPA rose +30% to $65.00 (from $50.00 last month)."],
    );
  });

  it("closes the deck before the appendix, with the actions in the speaker notes", () => {
    const content = buildDeckContent(buildReportData());
    const index = content.slides.findIndex((slide) => slide.kind === "actions");
    const slide = content.slides[index] as ContentSlide;
    assert.equal(slide.title, "What to do next");
    assert.equal((content.slides[index + 1] as ContentSlide).section, "Appendix");
    assert.ok(slide.notes?.startsWith("Actions, most urgent first:"));
    const quiet = buildReportData({ findings: [] });
    quiet.marts.channelMonths = [];
    const lines = actionsSlide(deckContext(quiet)).blocks.flatMap((placed) =>
      placed.block.type === "text" ? placed.block.lines.map((line) => line.text) : [],
    );
    assert.deepEqual(lines, ["Nothing to fix: no alert in this run and no paid channel's CPA rose sharply."]);
  });
});

describe("reconciliation scoreboard", () => {
  const row = (
    source: string,
    metric: string,
    api: number,
    warehouse: number,
    status: ReconciliationRow["status"],
  ): ReconciliationRow => ({
    window_start: "2026-11-06",
    window_end: "2026-11-19",
    source,
    account_id: source === "shopify" ? "" : "act_1",
    metric,
    api_value: api,
    warehouse_value: warehouse,
    difference: warehouse - api,
    relative_difference: api === 0 ? null : (warehouse - api) / api,
    status,
    currency: metric === "spend" || metric === "revenue" ? "USD" : null,
  });

  it("lists every source and metric, mismatches first, with both numbers and the difference", async () => {
    const data = buildReportData();
    data.marts.reconciliation = [
      row("shopify", "orders", 2_950, 2_950, "MATCH"),
      row("facebook_ads", "spend", 31_250.1, 27_402.55, "MISMATCH"),
      row("facebook_ads", "clicks", 1_000, 1_000, "MATCH"),
    ];
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const { xml } = slideWithTitle(deck, "Reconciliation");
    assert.deepEqual(tableRows(xml, "reconciliation"), [
      ["Source", "Account", "Metric", "API", "Warehouse", "Difference", "%", "Status"],
      ["Meta", "act_1", "Spend", "$31,250.10", "$27,402.55", "-$3,847.55", "-12.3%", "MISMATCH"],
      ["Meta", "act_1", "Clicks", "1,000", "1,000", "0", "0.0%", "MATCH"],
      ["Shopify", "—", "Orders", "2,950", "2,950", "0", "0.0%", "MATCH"],
    ]);
  });

  it("writes an ad account's amounts in its own currency, which may not be the shop's", async () => {
    // A EUR shop whose Meta account bills in dollars: the API and the raw rows report dollars, so the scoreboard
    // says dollars for Meta and euros for the shop's own revenue.
    const data = buildReportData();
    data.shop.currency = "EUR";
    data.marts.reconciliation = [
      { ...row("facebook_ads", "spend", 1_250.5, 1_250.5, "MATCH"), currency: "USD" },
      { ...row("shopify", "revenue", 9_800, 9_800, "MATCH"), currency: "EUR" },
      // A row written before the currency was kept: the shop's, as it was then.
      { ...row("tiktok_ads", "spend", 400, 400, "MATCH"), currency: null },
    ];
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const rows = tableRows(slideWithTitle(deck, "Reconciliation").xml, "reconciliation");
    assert.deepEqual(
      rows.slice(1).map((cells) => [cells[0], cells[3], cells[4]]),
      [
        ["Meta", "$1,250.50", "$1,250.50"],
        ["Shopify", "€9,800.00", "€9,800.00"],
        ["TikTok", "€400.00", "€400.00"],
      ],
    );
  });

  it("has no slide when reconciliation did not run", () => {
    const content = buildDeckContent(buildReportData());
    assert.ok(!content.slides.some((slide) => slide.kind === "reconciliation"));
  });
});

describe("region names", () => {
  it("names countries, US states and Canadian provinces, and keeps codes it does not know", () => {
    assert.equal(countryName("GB"), "United Kingdom");
    assert.equal(countryName("DE", "de-DE"), "Deutschland");
    assert.equal(regionName("US", "CA"), "California");
    assert.equal(regionName("US", "US-TX"), "Texas");
    assert.equal(regionName("CA", "ON"), "Ontario (Canada)");
    assert.equal(regionName("CA", "ON", "en-US", "CA"), "Ontario");
    assert.equal(regionName("GB", "unknown"), "United Kingdom");
    assert.equal(regionName("FR", "IDF"), "IDF (France)");
    assert.equal(regionName("unknown", "unknown"), "unknown");
  });

  it("names Japan's prefectures, which Shopify codes by number (JP-01 to JP-47)", () => {
    // A Tokyo shop's top regions read "13", "27", "14": the number of the code, not a place.
    assert.equal(regionName("JP", "JP-13", "ja-JP", "JP"), "Tokyo");
    assert.equal(regionName("JP", "JP-01", "ja-JP", "JP"), "Hokkaido");
    assert.equal(regionName("JP", "JP-47", "ja-JP", "JP"), "Okinawa");
    assert.equal(regionName("JP", "JP-27"), "Osaka (Japan)");
  });
});
