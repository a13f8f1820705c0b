// A shop that sells in EUR while its Meta ad account bills in USD and its Google Ads account in GBP (TikTok's in
// EUR), through the real models on DuckDB with hand-made raw rows and euro reference rates for Thursday 19 and
// Friday 20 November 2026 only. Every converted amount is computed here independently, in integer micros with
// BigInt, from the raw amounts and the rates: amount × (shop per euro) ÷ (account per euro), to the micro.
// Saturday the 21st has no rate of its own (the ECB publishes on TARGET working days) and takes Friday's;
// Thursday the 12th has none within a week (the 4th's is 8 days old): its foreign spend is left out, the day is
// incomplete, and check-quality names the accounts and the day; rates given later for it correct it on the next
// daily run whose window holds it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { type DayWithoutRate, missingRateFindings } from "../../functions/check-quality/rules.ts";
import { readQuery } from "../../functions/lib/sql/queries.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";
import { amount, roundDiv, roundedQuotient, sum } from "../support/micros.ts";
import { googleAdGroupDay, metaAdDay, paidUtmOrder, tiktokAdDay } from "../support/raw-ad-rows.ts";

const DAYS = ["2026-11-12", "2026-11-20", "2026-11-21"] as const;
type Day = (typeof DAYS)[number];
const RUN_DATE = "2026-11-21";

/** Units per euro, in ten-thousandths (the ECB's 4 decimals): 1.0856 USD → 10856n. */
const RATES: { date: string; currency: string; rate: bigint }[] = [
  { date: "2026-11-19", currency: "USD", rate: 10_801n },
  { date: "2026-11-19", currency: "GBP", rate: 8_700n },
  { date: "2026-11-20", currency: "USD", rate: 10_856n },
  { date: "2026-11-20", currency: "GBP", rate: 8_652n },
];
const rateText = (rate: bigint) => `${rate / 10_000n}.${String(rate % 10_000n).padStart(4, "0")}`;
/** The rate in effect on a day: its own, else Friday's for the weekend; none older than a week. */
const RATE_DAY: Record<Day, string | undefined> = {
  "2026-11-12": undefined,
  "2026-11-20": "2026-11-20",
  "2026-11-21": "2026-11-20",
};
const rateOf = (currency: string, day: Day): bigint | undefined =>
  currency === "EUR"
    ? 10_000n
    : RATES.find((rate) => rate.date === RATE_DAY[day] && rate.currency === currency)?.rate;

interface AdDay {
  platform: "facebook_ads" | "google_ads" | "tiktok_ads";
  channel: "meta" | "google_ads" | "tiktok";
  account: string;
  currency: "USD" | "GBP" | "EUR";
  id: string;
  day: Day;
  /** In the account's currency, micros. */
  spend: bigint;
  value: bigint;
}

const ADS: AdDay[] = DAYS.flatMap((day, index): AdDay[] => [
  {
    platform: "facebook_ads",
    channel: "meta",
    account: "act_us",
    currency: "USD",
    id: "m1",
    day,
    spend: 123_450_000n + BigInt(index) * 1_010_000n,
    value: 400_000_000n,
  },
  {
    platform: "facebook_ads",
    channel: "meta",
    account: "act_us",
    currency: "USD",
    id: "m2",
    day,
    spend: 9_990_000n,
    value: 0n,
  },
  {
    platform: "google_ads",
    channel: "google_ads",
    account: "77",
    currency: "GBP",
    id: "501",
    day,
    spend: 87_654_321n,
    value: 250_500_000n,
  },
  {
    platform: "tiktok_ads",
    channel: "tiktok",
    account: "61",
    currency: "EUR",
    id: "601",
    day,
    spend: 20_000_000n,
    value: 0n,
  },
]);

/** The shop-currency (EUR) micros of an account amount on its day; undefined without a rate. */
function converted(ad: AdDay, micros: bigint, shop = "EUR"): bigint | undefined {
  if (ad.currency === shop) return micros;
  const shopRate = rateOf(shop, ad.day);
  const accountRate = rateOf(ad.currency, ad.day);
  if (shopRate === undefined || accountRate === undefined) return undefined;
  return roundDiv(micros * shopRate, accountRate);
}

// Orders in EUR, one per paid channel and day, by UTM.
const ORDERS = DAYS.flatMap((day, index) =>
  (["meta", "google_ads", "tiktok"] as const).map((channel, position) => ({
    id: 9000 + index * 10 + position,
    day,
    channel,
    total: 150_000_000n + BigInt(position) * 25_250_000n,
    landing: {
      meta: "/?utm_source=facebook&utm_medium=paid",
      google_ads: "/?utm_source=google&utm_medium=cpc",
      tiktok: "/?utm_source=tiktok&utm_medium=paid",
    }[channel],
  })),
);

async function loadShop(warehouse: DuckDbWarehouse): Promise<void> {
  await insertRaw(
    warehouse,
    "shopify_orders",
    ORDERS.map((order) => paidUtmOrder({ ...order, hour: "12", customer: order.id, currency: "EUR" })),
  );
  const of = (platform: AdDay["platform"]) => ADS.filter((ad) => ad.platform === platform);
  await insertRaw(
    warehouse,
    "facebook_ads_insights",
    of("facebook_ads").map((ad) => metaAdDay({ ...ad, campaign: "Prospecting US", ad: ad.id })),
  );
  await insertRaw(
    warehouse,
    "google_ads_campaign_stats",
    of("google_ads").map((ad) =>
      googleAdGroupDay({ ...ad, campaign: "Search UK", customer: Number(ad.account), group: Number(ad.id) }),
    ),
  );
  await insertRaw(
    warehouse,
    "tiktok_ads_reports_daily",
    of("tiktok_ads").map((ad) =>
      tiktokAdDay({ ...ad, campaign: "Spark", advertiser: Number(ad.account), ad: Number(ad.id) }),
    ),
  );
  await insertRaw(warehouse, "fx_rates", [
    // Rates 8 days before the 12th: too old to stand for it (at most 7 days, an Easter's closing).
    { date: "2026-11-04", currency: "USD", rate: "1.1500", _airbyte_extracted_at: "2026-11-04T16:00:00Z" },
    { date: "2026-11-04", currency: "GBP", rate: "0.9000", _airbyte_extracted_at: "2026-11-04T16:00:00Z" },
    // Friday's dollar first dropped wrong, then again right: the newest landing wins.
    { date: "2026-11-20", currency: "USD", rate: "1.2000", _airbyte_extracted_at: "2026-11-20T10:00:00Z" },
  ]);
  await insertRaw(
    warehouse,
    "fx_rates",
    RATES.map((rate) => ({
      date: rate.date,
      currency: rate.currency,
      rate: rateText(rate.rate),
      _airbyte_raw_id: `fx-${rate.date}-${rate.currency}`,
      _airbyte_extracted_at: `${rate.date}T16:00:00Z`,
    })),
  );
}

const channelSpend = (channel: AdDay["channel"], day: Day) =>
  sum(
    ADS.filter((ad) => ad.channel === channel && ad.day === day).map((ad) => converted(ad, ad.spend) ?? 0n),
  );
const channelRevenue = (channel: AdDay["channel"], day: Day) =>
  sum(ORDERS.filter((order) => order.channel === channel && order.day === day).map((order) => order.total));
const dayRevenue = (day: Day) => sum(ORDERS.filter((order) => order.day === day).map((order) => order.total));
const daySpend = (day: Day) =>
  sum((["meta", "google_ads", "tiktok"] as const).map((channel) => channelSpend(channel, day)));

const EUR_SHOP = { PULSE_CURRENCY: "EUR", PULSE_TIMEZONE: "Europe/Paris" };

/** Inside a describe: the shop's raw rows in a new warehouse, built whole for RUN_DATE under `env`'s settings. */
function builtShop(env: Record<string, string>): () => DuckDbWarehouse {
  let warehouse: DuckDbWarehouse | undefined;
  before(async () => {
    warehouse = await openFixtureWarehouse();
    await loadShop(warehouse);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true, lookbackDays: 14, env });
  });
  after(async () => {
    await warehouse?.close();
  });
  return () => {
    if (!warehouse) throw new Error("the shop is built before the tests");
    return warehouse;
  };
}

describe(
  "ad spend in another currency than the shop's (EUR shop, USD Meta, GBP Google Ads)",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const shop = builtShop(EUR_SHOP);
    const query = (sql: string) => shop().query(sql, {}, { label: "fx" });

    it("ad_performance: each row converted at its day's rate (Saturday at Friday's), the account's amounts kept beside", async () => {
      const rows = await query(
        `SELECT CAST(date AS STRING) AS day, platform, COALESCE(ad_id, ad_group_id) AS id, spend, conversion_value,
                currency, account_currency, account_spend, account_conversion_value, fx_rate
         FROM unified.ad_performance ORDER BY day, platform, id`,
      );
      const expected = [...ADS]
        .sort((a, b) => `${a.day}|${a.platform}|${a.id}`.localeCompare(`${b.day}|${b.platform}|${b.id}`))
        .map((ad) => {
          const shopRate = rateOf("EUR", ad.day) as bigint;
          const accountRate = rateOf(ad.currency, ad.day);
          return [
            ad.day,
            ad.platform,
            ad.id,
            amount(converted(ad, ad.spend) ?? 0n),
            amount(converted(ad, ad.value) ?? 0n),
            "EUR",
            ad.currency,
            amount(ad.spend),
            amount(ad.value),
            accountRate === undefined ? null : roundedQuotient(shopRate, accountRate, 9),
          ];
        });
      assert.deepEqual(
        rows.map((row) => [
          row.day,
          row.platform,
          row.id,
          Number(row.spend),
          Number(row.conversion_value),
          row.currency,
          row.account_currency,
          Number(row.account_spend),
          Number(row.account_conversion_value),
          row.fx_rate === null ? null : Number(row.fx_rate),
        ]),
        expected,
      );
      // Saturday really took Friday's rate, not Thursday's.
      const saturday = rows.find((row) => row.day === "2026-11-21" && row.id === "m2");
      assert.equal(Number(saturday?.spend), amount(roundDiv(9_990_000n * 10_000n, 10_856n)));
    });

    it("marketing_daily_channel: each channel's spend in EUR and its ROAS, the day without a rate incomplete", async () => {
      const rows = await query(
        `SELECT CAST(date AS STRING) AS day, channel, spend, roas, is_complete, missing_sources
         FROM marts.marketing_daily_channel WHERE channel IN ('meta', 'google_ads', 'tiktok') ORDER BY day, channel`,
      );
      const expected = DAYS.flatMap((day) =>
        (["google_ads", "meta", "tiktok"] as const).map((channel) => {
          const spend = channelSpend(channel, day);
          const complete = day !== "2026-11-12" || channel === "tiktok";
          return [
            day,
            channel,
            amount(spend),
            spend === 0n ? null : roundedQuotient(channelRevenue(channel, day), spend, 4),
            complete,
            complete ? null : channel === "meta" ? "facebook_ads" : "google_ads",
          ];
        }),
      );
      assert.deepEqual(
        rows.map((row) => [
          row.day,
          row.channel,
          Number(row.spend),
          row.roas === null ? null : Number(row.roas),
          row.is_complete,
          row.missing_sources,
        ]),
        expected,
      );
    });

    it("daily_kpis: ad spend the EUR sum over accounts, blended ROAS exact, the 12th marked incomplete", async () => {
      const rows = await query(
        `SELECT CAST(date AS STRING) AS day, ad_spend, blended_roas, is_complete, missing_sources
         FROM marts.daily_kpis WHERE date IN ('2026-11-12', '2026-11-20', '2026-11-21') ORDER BY day`,
      );
      assert.deepEqual(
        rows.map((row) => [
          row.day,
          Number(row.ad_spend),
          Number(row.blended_roas),
          row.is_complete,
          row.missing_sources,
        ]),
        DAYS.map((day) => [
          day,
          amount(daySpend(day)),
          roundedQuotient(dayRevenue(day), daySpend(day), 4),
          day !== "2026-11-12",
          day === "2026-11-12" ? "facebook_ads,google_ads" : null,
        ]),
      );
    });

    it("check-quality names each account and currency without a rate, the days and the spend left out", async () => {
      const days = await shop().query<DayWithoutRate>(
        readQuery("check-quality/ad_days_without_rates"),
        { window_start: "2026-11-07", window_end: RUN_DATE },
        { label: "fx days without rates" },
      );
      const findings = missingRateFindings(days, "EUR", "ecb");
      assert.deepEqual(
        findings.map((finding) => [finding.check, finding.severity, finding.subject, finding.observed]),
        [
          ["exchange_rate_missing", "warning", "facebook_ads.act_us", "USD: 2026-11-12"],
          ["exchange_rate_missing", "warning", "google_ads.77", "GBP: 2026-11-12"],
        ],
      );
      const metaSpend = sum(
        ADS.filter((ad) => ad.account === "act_us" && ad.day === "2026-11-12").map((ad) => ad.spend),
      );
      assert.equal(
        findings[0]?.message,
        `Meta Ads account act_us spends in USD, and there is no exchange rate to the shop's EUR for 2026-11-12: ` +
          `raw.fx_rates holds no euro reference rate of USD for those days or the 7 days before each. ` +
          `Its ${amount(metaSpend).toFixed(2)} USD of spend those days is left out of spend, ROAS, MER and CAC, ` +
          `which are marked incomplete (not a sync problem: the rows landed). Each run fetches the ECB's euro ` +
          `reference rates of USD for its window (exchangeRates.source "ecb"): if that fetch failed ` +
          `(exchange_rates_fetch_failed), the next run asks again; if the ECB publishes no rate of USD, drop an ` +
          `fx_rates.csv (date, currency, rate per euro) covering those days in the inbox; for days before the run ` +
          `window, a run with --full-refresh --force fetches the rates back to the oldest ad day.`,
      );
    });
  },
);

describe(
  "a GBP shop's USD and EUR spend: crossed through the euro",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const shop = builtShop({ PULSE_CURRENCY: "GBP", PULSE_TIMEZONE: "Europe/London" });

    it("USD → GBP is × (GBP per euro) ÷ (USD per euro), EUR → GBP × (GBP per euro); GBP stays as it is", async () => {
      const rows = await shop().query(
        `SELECT CAST(date AS STRING) AS day, platform, COALESCE(ad_id, ad_group_id) AS id, spend, currency
         FROM unified.ad_performance WHERE date >= '2026-11-20' ORDER BY day, platform, id`,
        {},
        { label: "fx gbp" },
      );
      const expected = ADS.filter((ad) => ad.day !== "2026-11-12")
        .sort((a, b) => `${a.day}|${a.platform}|${a.id}`.localeCompare(`${b.day}|${b.platform}|${b.id}`))
        .map((ad) => [ad.day, ad.platform, ad.id, amount(converted(ad, ad.spend, "GBP") as bigint), "GBP"]);
      assert.deepEqual(
        rows.map((row) => [row.day, row.platform, row.id, Number(row.spend), row.currency]),
        expected,
      );
      const meta = rows.find((row) => row.day === "2026-11-20" && row.id === "m2");
      assert.equal(Number(meta?.spend), amount(roundDiv(9_990_000n * 8_652n, 10_856n)));
    });
  },
);

/** The 12th's marts row, as the deck and the extracts read it. */
const the12th = (warehouse: DuckDbWarehouse) =>
  warehouse.query(
    `SELECT ad_spend, is_complete FROM marts.daily_kpis WHERE date = DATE '2026-11-12'`,
    {},
    { label: "fx late rates" },
  );

/**
 * Drops the 12th's dollar and pound rates after its first build, runs the next daily transform with `lookbackDays`,
 * and checks its spend against the same conversion done here: the day is complete.
 */
async function lateRatesCorrectThe12th(warehouse: DuckDbWarehouse, lookbackDays: number): Promise<void> {
  const [before] = await the12th(warehouse);
  assert.equal(before?.is_complete, false);
  await insertRaw(
    warehouse,
    "fx_rates",
    [
      { currency: "USD", rate: "1.0700" },
      { currency: "GBP", rate: "0.8800" },
    ].map((late) => ({ date: "2026-11-12", ...late, _airbyte_extracted_at: "2026-11-22T08:00:00Z" })),
  );
  await buildModels(warehouse, RUN_DATE, { lookbackDays, env: EUR_SHOP });
  const [day] = await the12th(warehouse);
  const onThe12th = ADS.filter((ad) => ad.day === "2026-11-12");
  const rate = { USD: 10_700n, GBP: 8_800n, EUR: 10_000n };
  const spend = sum(onThe12th.map((ad) => roundDiv(ad.spend * 10_000n, rate[ad.currency])));
  assert.deepEqual([Number(day?.ad_spend), day?.is_complete], [amount(spend), true]);
}

describe(
  "rates given later for a day inside the run window",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const shop = builtShop(EUR_SHOP);

    it("convert its spend on the next daily run and make the day complete", async () => {
      await lateRatesCorrectThe12th(shop(), 14);
    });
  },
);

describe(
  "rates given later for a day before the run window",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const shop = builtShop(EUR_SHOP);

    it("convert its spend on the next daily run, whose window (7 days) does not hold it", async () => {
      // The 12th is 9 days before the run date: outside a 7-day daily window. Without its rate its foreign spend
      // counts 0 and the day is incomplete; a rates file dropped now for it must correct it without --full-refresh.
      await lateRatesCorrectThe12th(shop(), 7);
    });

    it("leaves the days alone when the rates landed again are the ones they had", async () => {
      const warehouse = shop();
      // The daily fetch lands the same rates every morning: the 4th's (before the window) and the 19th's again,
      // unchanged.
      await insertRaw(warehouse, "fx_rates", [
        {
          date: "2026-11-04",
          currency: "USD",
          rate: "1.1500",
          _airbyte_extracted_at: "2026-11-22T09:00:00Z",
        },
        {
          date: "2026-11-04",
          currency: "GBP",
          rate: "0.9000",
          _airbyte_extracted_at: "2026-11-22T09:00:00Z",
        },
        ...RATES.filter((rate) => rate.date === "2026-11-19").map((rate) => ({
          date: rate.date,
          currency: rate.currency,
          rate: rateText(rate.rate),
          _airbyte_extracted_at: "2026-11-22T09:00:00Z",
        })),
      ]);
      const requests: string[] = [];
      const materialize = warehouse.materialize.bind(warehouse);
      warehouse.materialize = (request) => {
        if (request.window) requests.push(`${request.table} ${request.window.start}`);
        return materialize(request);
      };
      try {
        await buildModels(warehouse, RUN_DATE, { lookbackDays: 7, env: EUR_SHOP });
      } finally {
        warehouse.materialize = materialize;
      }
      // Only the daily window (from the 14th): no day before it was rebuilt for the rates. (The month models'
      // windows start on the 1st whatever the days, so the day models say it.)
      const dayModels = ["stg_fx_rates", "ad_performance", "marketing_daily_channel", "daily_kpis"];
      assert.deepEqual(
        requests.filter((request) => dayModels.includes(request.split(" ")[0] ?? "")).sort(),
        dayModels.map((model) => `${model} 2026-11-14`).sort(),
      );
    });
  },
);
