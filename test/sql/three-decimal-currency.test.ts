// A hand-made Kuwaiti-dinar shop (KWD has three decimals, the fils) through the real models on DuckDB: three ad
// platforms whose accounts bill in KWD with amounts finer than a cent (Google's cost in micros, 1.2345 KWD; Meta's
// and TikTok's spend to the fils and beyond), over two days and several ad groups and ads. Every spend and
// conversion value the marts and the daily_kpis extract hold must be the platforms' own figures summed, and every
// ROAS and MER the exact quotient of those sums: computed here independently, in integer micros with BigInt.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { latestExtractPath } from "../../functions/lib/bucket-layout.ts";
import { EXTRACT_SCHEMAS } from "../../functions/shared/extract-schemas.ts";
import {
  buildModels,
  exportedExtractRows,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";
import { amount, decimalText, roundedQuotient, sum } from "../support/micros.ts";
import { googleAdGroupDay, metaAdDay, paidUtmOrder, tiktokAdDay } from "../support/raw-ad-rows.ts";

const DAYS = ["2026-11-20", "2026-11-21"] as const;
const RUN_DATE = DAYS[1];
type Day = (typeof DAYS)[number];

// The platforms' rows, per day: each ad group's (Google) or ad's (Meta, TikTok) spend and conversion value.
const GOOGLE: Record<Day, { group: number; cost: bigint; value: bigint }[]> = {
  "2026-11-20": [
    { group: 501, cost: 1_234_500n, value: 5_432_100n },
    { group: 502, cost: 2_000_400n, value: 0n },
    { group: 503, cost: 987_654n, value: 1_234_567n },
  ],
  "2026-11-21": [
    { group: 501, cost: 1_234_500n, value: 2_500_500n },
    { group: 502, cost: 3_333_333n, value: 7_777_700n },
    { group: 503, cost: 10_000_001n, value: 0n },
  ],
};
const META: Record<Day, { ad: string; spend: bigint; value: bigint }[]> = {
  "2026-11-20": [
    { ad: "ma1", spend: 1_234_500n, value: 3_123_500n },
    { ad: "ma2", spend: 4_500n, value: 0n },
  ],
  "2026-11-21": [
    { ad: "ma1", spend: 2_345_600n, value: 6_000_500n },
    { ad: "ma2", spend: 9_999_900n, value: 1_000n },
  ],
};
const TIKTOK: Record<Day, { ad: number; spend: bigint; value: bigint }[]> = {
  "2026-11-20": [
    { ad: 601, spend: 1_234_500n, value: 4_567_500n },
    { ad: 602, spend: 5_500n, value: 0n },
  ],
  "2026-11-21": [
    { ad: 601, spend: 3_000_500n, value: 2_001_500n },
    { ad: 602, spend: 999_500n, value: 0n },
  ],
};

// The orders: one new customer per order but the last (the first Google buyer again), each landing from a channel.
const ORDERS: { id: number; day: Day; total: bigint; customer: number; landing: string }[] = [
  {
    id: 7001,
    day: "2026-11-20",
    total: 12_345_000n,
    customer: 1,
    landing: "/?utm_source=google&utm_medium=cpc",
  },
  {
    id: 7002,
    day: "2026-11-20",
    total: 7_125_000n,
    customer: 2,
    landing: "/?utm_source=facebook&utm_medium=paid",
  },
  {
    id: 7003,
    day: "2026-11-21",
    total: 3_335_000n,
    customer: 3,
    landing: "/?utm_source=tiktok&utm_medium=paid",
  },
  {
    id: 7004,
    day: "2026-11-21",
    total: 20_005_000n,
    customer: 1,
    landing: "/?utm_source=google&utm_medium=cpc",
  },
];

const CHANNELS = {
  google_ads: (day: Day) => GOOGLE[day].map((row) => ({ spend: row.cost, value: row.value })),
  meta: (day: Day) => META[day],
  tiktok: (day: Day) => TIKTOK[day],
};
const ORDER_CHANNEL: Record<number, keyof typeof CHANNELS> = {
  7001: "google_ads",
  7002: "meta",
  7003: "tiktok",
  7004: "google_ads",
};

const channelSpend = (channel: keyof typeof CHANNELS, day: Day) =>
  sum(CHANNELS[channel](day).map((row) => row.spend));
const channelValue = (channel: keyof typeof CHANNELS, day: Day) =>
  sum(CHANNELS[channel](day).map((row) => row.value));
const daySpend = (day: Day) =>
  sum((Object.keys(CHANNELS) as (keyof typeof CHANNELS)[]).map((channel) => channelSpend(channel, day)));
const dayRevenue = (day: Day) => sum(ORDERS.filter((order) => order.day === day).map((order) => order.total));
const channelRevenue = (channel: keyof typeof CHANNELS, day: Day) =>
  sum(
    ORDERS.filter((order) => order.day === day && ORDER_CHANNEL[order.id] === channel).map(
      (order) => order.total,
    ),
  );

/** One row per platform row of every day (a raw row, or what staging should make of it). */
const everyDay = <PlatformRow, Raw>(
  rows: Record<Day, PlatformRow[]>,
  raw: (row: PlatformRow, day: Day) => Raw,
) => DAYS.flatMap((day) => rows[day].map((row) => raw(row, day)));

async function loadShop(warehouse: DuckDbWarehouse, currency = "KWD"): Promise<void> {
  await insertRaw(
    warehouse,
    "shopify_orders",
    ORDERS.map((order) => paidUtmOrder({ ...order, hour: "17", currency })),
  );
  await insertRaw(
    warehouse,
    "google_ads_campaign_stats",
    everyDay(GOOGLE, (row, day) =>
      googleAdGroupDay({
        day,
        currency,
        campaign: "Search KW",
        customer: 41,
        group: row.group,
        spend: row.cost,
        value: row.value,
      }),
    ),
  );
  await insertRaw(
    warehouse,
    "facebook_ads_insights",
    everyDay(META, (row, day) =>
      metaAdDay({
        day,
        currency,
        campaign: "Prospecting KW",
        account: "act_kw",
        ad: row.ad,
        spend: row.spend,
        value: row.value,
      }),
    ),
  );
  await insertRaw(
    warehouse,
    "tiktok_ads_reports_daily",
    everyDay(TIKTOK, (row, day) =>
      tiktokAdDay({
        day,
        currency,
        campaign: "Spark KW",
        advertiser: 61,
        ad: row.ad,
        spend: row.spend,
        value: row.value,
      }),
    ),
  );
}

describe(
  "a three-decimal (KWD) shop keeps its ad platforms' amounts to the last digit",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    let warehouse: DuckDbWarehouse;
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "pulse-kwd-"));
      warehouse = await openFixtureWarehouse();
      await loadShop(warehouse);
      await buildModels(warehouse, RUN_DATE, { fullRefresh: true, env: { PULSE_CURRENCY: "KWD" } });
    });
    after(async () => {
      await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    });
    const query = (sql: string) => warehouse.query(sql, {}, { label: "kwd" });

    it("staging: each ad group's and ad's spend and conversion value as the platform reported it", async () => {
      const platforms = [
        {
          table: "stg_google_ads_campaign_stats",
          key: "ad_group_id",
          rows: everyDay(GOOGLE, (row, day) => ({
            day,
            key: String(row.group),
            spend: row.cost,
            value: row.value,
          })),
        },
        {
          table: "stg_facebook_ads_insights",
          key: "ad_id",
          rows: everyDay(META, (row, day) => ({ day, key: row.ad, ...row })),
        },
        {
          table: "stg_tiktok_ads_reports_daily",
          key: "ad_id",
          rows: everyDay(TIKTOK, (row, day) => ({
            day,
            key: String(row.ad),
            spend: row.spend,
            value: row.value,
          })),
        },
      ];
      for (const { table, key, rows } of platforms) {
        const staged = await query(
          `SELECT CAST(date AS STRING) AS day, ${key} AS key, spend, conversion_value
           FROM staging.${table} ORDER BY day, key`,
        );
        assert.deepEqual(
          staged.map((row) => [row.day, row.key, Number(row.spend), Number(row.conversion_value)]),
          rows.map((row) => [row.day, row.key, amount(row.spend), amount(row.value)]),
          table,
        );
      }
    });

    it("marketing_daily_channel and marketing_unified: each channel's day summed exactly, its ROAS the exact quotient", async () => {
      for (const table of ["marts.marketing_daily_channel", "unified.marketing_unified"]) {
        const rows = await query(
          `SELECT CAST(date AS STRING) AS day, channel, spend, platform_conversion_value, attributed_revenue, roas
         FROM ${table} WHERE channel IN ('google_ads', 'meta', 'tiktok') ORDER BY day, channel`,
        );
        const expected = DAYS.flatMap((day) =>
          (["google_ads", "meta", "tiktok"] as const).map((channel) => [
            day,
            channel,
            amount(channelSpend(channel, day)),
            amount(channelValue(channel, day)),
            amount(channelRevenue(channel, day)),
            channelRevenue(channel, day) === 0n
              ? 0
              : roundedQuotient(channelRevenue(channel, day), channelSpend(channel, day), 4),
          ]),
        );
        assert.deepEqual(
          rows.map((row) => [
            row.day,
            row.channel,
            Number(row.spend),
            Number(row.platform_conversion_value),
            Number(row.attributed_revenue),
            Number(row.roas),
          ]),
          expected,
          table,
        );
      }
    });

    it("campaign_performance_daily: each campaign's day the sum of its ad groups' and ads' spend", async () => {
      const rows = await query(
        `SELECT CAST(date AS STRING) AS day, platform, SUM(spend) AS spend, SUM(platform_conversion_value) AS value
       FROM marts.campaign_performance_daily GROUP BY day, platform ORDER BY day, platform`,
      );
      const platforms = { facebook_ads: "meta", google_ads: "google_ads", tiktok_ads: "tiktok" } as const;
      assert.deepEqual(
        rows.map((row) => [row.day, row.platform, Number(row.spend), Number(row.value)]),
        DAYS.flatMap((day) =>
          (Object.keys(platforms) as (keyof typeof platforms)[]).map((platform) => [
            day,
            platform,
            amount(channelSpend(platforms[platform], day)),
            amount(channelValue(platforms[platform], day)),
          ]),
        ),
      );
    });

    it("daily_kpis and executive_summary_monthly: ad spend the platforms' total, blended ROAS and MER exact", async () => {
      const days = await query(
        `SELECT CAST(date AS STRING) AS day, gross_revenue, ad_spend, blended_roas, mer
       FROM marts.daily_kpis ORDER BY day`,
      );
      assert.deepEqual(
        days.map((row) => [
          row.day,
          ...["gross_revenue", "ad_spend", "blended_roas", "mer"].map((column) => Number(row[column])),
        ]),
        DAYS.map((day) => [
          day,
          amount(dayRevenue(day)),
          amount(daySpend(day)),
          roundedQuotient(dayRevenue(day), daySpend(day), 4),
          roundedQuotient(dayRevenue(day), daySpend(day), 4),
        ]),
      );
      const [month] = await query(
        `SELECT ad_spend, blended_roas FROM marts.executive_summary_monthly WHERE month = DATE '2026-11-01'`,
      );
      const spend = sum(DAYS.map(daySpend));
      const revenue = sum(DAYS.map(dayRevenue));
      assert.deepEqual(
        [Number(month?.ad_spend), Number(month?.blended_roas)],
        [amount(spend), roundedQuotient(revenue, spend, 4)],
      );
    });

    it("money ÷ count ratios to the dinar's three places: AOV, CAC, CPA and revenue per customer", async () => {
      const perCount = (money: bigint, count: number) =>
        roundedQuotient(money, BigInt(count) * 1_000_000n, 3);
      const ordersOf = (day: Day) => ORDERS.filter((order) => order.day === day).length;
      const newCustomersOf = (day: Day) =>
        ORDERS.filter(
          (order) =>
            order.day === day &&
            !ORDERS.some((earlier) => earlier.id < order.id && earlier.customer === order.customer),
        ).length;
      const days = await query(
        `SELECT CAST(date AS STRING) AS day, aov, cac FROM marts.daily_kpis ORDER BY day`,
      );
      assert.deepEqual(
        days.map((row) => [row.day, Number(row.aov), Number(row.cac)]),
        DAYS.map((day) => [
          day,
          perCount(dayRevenue(day), ordersOf(day)),
          perCount(daySpend(day), newCustomersOf(day)),
        ]),
      );
      const [month] = await query(
        `SELECT aov, cac FROM marts.executive_summary_monthly WHERE month = DATE '2026-11-01'`,
      );
      const customers = new Set(ORDERS.map((order) => order.customer)).size;
      assert.deepEqual(
        [Number(month?.aov), Number(month?.cac)],
        [perCount(sum(DAYS.map(dayRevenue)), ORDERS.length), perCount(sum(DAYS.map(daySpend)), customers)],
      );
      const channelDays = await query(
        `SELECT CAST(date AS STRING) AS day, channel, cpa FROM marts.marketing_daily_channel
         WHERE channel IN ('google_ads', 'meta', 'tiktok') AND attributed_orders > 0 ORDER BY day, channel`,
      );
      const attributed = ORDERS.map((order) => ({ day: order.day, channel: ORDER_CHANNEL[order.id]! }));
      assert.deepEqual(
        channelDays.map((row) => [row.day, row.channel, Number(row.cpa)]),
        attributed
          .sort((a, b) => `${a.day}${a.channel}`.localeCompare(`${b.day}${b.channel}`))
          .map(({ day, channel }) => [day, channel, perCount(channelSpend(channel, day), 1)]),
      );
      const [google] = await query(
        `SELECT cpa FROM marts.marketing_monthly_performance WHERE month = DATE '2026-11-01' AND channel = 'google_ads'`,
      );
      const googleSpend = sum(DAYS.map((day) => channelSpend("google_ads", day)));
      assert.equal(Number(google?.cpa), perCount(googleSpend, 2));
      const [cohort] = await query(
        `SELECT cumulative_revenue_per_customer FROM marts.ltv_cohorts
         WHERE cohort_month = DATE '2026-11-01' AND months_since_first_order = 0`,
      );
      assert.equal(
        Number(cohort?.cumulative_revenue_per_customer),
        perCount(sum(DAYS.map(dayRevenue)), customers),
      );
    });

    it("the daily_kpis extract carries the same ad spend", async () => {
      const rows = await exportedExtractRows(warehouse, {
        dir,
        runDate: RUN_DATE,
        extract: "daily_kpis",
        env: { PULSE_CURRENCY: "KWD" },
      });
      assert.deepEqual(
        rows.map((row) => [row.date, row.ad_spend]),
        DAYS.map((day) => [day, decimalText(daySpend(day))]),
      );
    });

    it("the extracts hold each ratio to the places extract-schemas.json declares for a dinar shop: AOV, CAC and CPA to the fils", async () => {
      const kpis = await exportedExtractRows(warehouse, {
        dir,
        runDate: RUN_DATE,
        extract: "daily_kpis",
        env: { PULSE_CURRENCY: "KWD" },
      });
      // Each day's AOV by hand, to the fils: its revenue over its orders.
      const ordersOf = (day: Day) => ORDERS.filter((order) => order.day === day).length;
      assert.deepEqual(
        kpis.map((row) => [row.date, Number(row.aov)]),
        DAYS.map((day) => [day, roundedQuotient(dayRevenue(day), BigInt(ordersOf(day)) * 1_000_000n, 3)]),
      );
      const bucket = new FolderBucket(join(dir, "bucket"));
      const placesOf = (cell: string) => (cell.split(".")[1] ?? "").length;
      let finest = 0;
      for (const schema of EXTRACT_SCHEMAS) {
        const text = String((await bucket.read(latestExtractPath(schema.name))) ?? "");
        const rows = parse(text, { columns: true }) as Record<string, string>[];
        for (const column of schema.columns) {
          if (!("decimals" in column)) continue;
          // "currency" is the shop's: the dinar has three places (ISO 4217).
          const declared: unknown = column.decimals;
          const places = declared === "currency" ? 3 : Number(declared);
          for (const row of rows) {
            const cell = row[column.name] ?? "";
            assert.ok(
              placesOf(cell) <= places,
              `${schema.name}.${column.name} ${cell} has more than the ${places} places declared for a KWD shop`,
            );
            if (declared === "currency") finest = Math.max(finest, placesOf(cell));
          }
        }
      }
      assert.equal(finest, 3, "some amount per order or customer uses the fils");
    });
  },
);

/**
 * The shop's raw rows in `currency`, built whole under the default settings (a USD shop) or `env`, handed to
 * `work`. (Under the default settings, ad spend in `currency` has no exchange rate to USD and counts 0.)
 */
async function withShopBuilt(
  currency: string,
  work: (warehouse: DuckDbWarehouse) => Promise<void>,
  env: Record<string, string> = {},
) {
  const warehouse = await openFixtureWarehouse();
  try {
    await loadShop(warehouse, currency);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true, env });
    await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

// A local warehouse built before staging kept the micro holds its ad amounts as DECIMAL(38,2): DuckDB would cast
// a daily window's amounts into those columns, to cents again, in every table downstream. The first transform
// after upgrading rebuilds those tables whole instead, and every table built from them, and says so.
it(
  "a local warehouse whose ad staging tables were built to the cent has them rebuilt whole by its next daily transform, which keeps the fils on every day and says so",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () =>
    withShopBuilt(
      "KWD",
      async (warehouse) => {
        // What the earlier staging SQL left: cents, and the fingerprint of that SQL, not this one's.
        for (const table of ["stg_facebook_ads_insights", "stg_tiktok_ads_reports_daily"]) {
          for (const column of ["spend", "conversion_value"])
            await warehouse.rawConnection.run(
              `ALTER TABLE staging.${table} ALTER ${column} TYPE DECIMAL(38, 2)`,
            );
          await warehouse.rawConnection.run(
            `COMMENT ON TABLE staging.${table} IS 'pulse_model:${"0".repeat(32)}'`,
          );
        }
        // A one-day window: the 20th is rebuilt only by the whole builds.
        const daily = await buildModels(warehouse, RUN_DATE, {
          lookbackDays: 1,
          env: { PULSE_CURRENCY: "KWD" },
        });
        assert.match(
          daily.summary ?? "",
          /rebuilt whole \(columns changed since the tables were built, staging\.stg_facebook_ads_insights \(retyped: spend DECIMAL\(38,2\) → DECIMAL\(38,6\), conversion_value DECIMAL\(38,2\) → DECIMAL\(38,6\)\); staging\.stg_tiktok_ads_reports_daily \(retyped: spend/,
        );
        const metaByDay = await warehouse.query<{ day: string; spend: number }>(
          `SELECT CAST(date AS STRING) AS day, SUM(spend) AS spend FROM staging.stg_facebook_ads_insights GROUP BY 1 ORDER BY 1`,
        );
        assert.deepEqual(
          metaByDay.map((row) => [row.day, Number(row.spend)]),
          DAYS.map((day) => [day, amount(sum(META[day].map((ad) => ad.spend)))]),
        );
        const kpis = await warehouse.query<{ day: string; ad_spend: number }>(
          "SELECT CAST(date AS STRING) AS day, ad_spend FROM marts.daily_kpis ORDER BY 1",
        );
        assert.deepEqual(
          kpis.map((row) => [row.day, Number(row.ad_spend)]),
          DAYS.map((day) => [day, amount(daySpend(day))]),
        );
      },
      { PULSE_CURRENCY: "KWD" },
    ),
);

it(
  "a yen shop's money ÷ count ratios have no decimals, on every day once its currency is set",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () =>
    // Built first under the default currency (USD, two places); the shop then sets its own. The next daily run,
    // whose window (one day) leaves out the 20th, rebuilds all history: every day's ratios have the yen's places.
    withShopBuilt("JPY", async (warehouse) => {
      const daily = await buildModels(warehouse, RUN_DATE, {
        lookbackDays: 1,
        env: { PULSE_CURRENCY: "JPY" },
      });
      assert.match(daily.summary ?? "", /full build: .*the shop currency's decimals \(2 → 0\)/);
      const [day] = await warehouse.query(
        `SELECT aov, cac FROM marts.daily_kpis WHERE date = DATE '${DAYS[0]}'`,
      );
      // 19.47 over two orders, 6.701454 over two new customers: 9.735 and 3.350727, to whole yen.
      assert.deepEqual(
        [Number(day?.aov), Number(day?.cac)],
        [
          roundedQuotient(dayRevenue(DAYS[0]), 2_000_000n, 0),
          roundedQuotient(daySpend(DAYS[0]), 2_000_000n, 0),
        ],
      );
    }),
);
