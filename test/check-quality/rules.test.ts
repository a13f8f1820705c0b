import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnomalyVerdict } from "../../functions/lib/quality/anomaly.ts";
import {
  attributionFindings,
  type CoverageDay,
  coverageFinding,
  currencyFinding,
  measureCoverage,
  metricAnomalyFinding,
  missingRateFindings,
  nullRateFinding,
  noUtmFinding,
  rejectRateFinding,
} from "../../functions/check-quality/rules.ts";
import { DEFAULT_QUALITY_SETTINGS, QualitySettingsSchema } from "../../functions/shared/quality-settings.ts";
import { addDays } from "../../functions/lib/calendar.ts";

const money = (value: number) => `$${Math.round(value).toLocaleString("en-US")}`;

describe("business rules", () => {
  it("flags a channel that spends with no attributed revenue, critical from two days on", () => {
    const findings = attributionFindings(
      [
        {
          channel: "meta",
          days_with_spend: 3,
          days_spend_without_revenue: 3,
          spend_without_revenue: 52_310.4,
          first_day: "2026-11-15",
          last_day: "2026-11-17",
        },
        {
          channel: "tiktok",
          days_with_spend: 4,
          days_spend_without_revenue: 1,
          spend_without_revenue: 800,
          first_day: "2026-11-17",
          last_day: "2026-11-17",
        },
        {
          channel: "google_ads",
          days_with_spend: 7,
          days_spend_without_revenue: 0,
          spend_without_revenue: 0,
          first_day: null,
          last_day: null,
        },
      ],
      7,
      money,
    );
    assert.deepEqual(
      findings.map((item) => [item.subject, item.severity]),
      [
        ["meta", "critical"],
        ["tiktok", "warning"],
      ],
    );
    assert.equal(
      findings[0]?.message,
      "Meta spent $52,310 with $0 attributed revenue on 3 of the last 7 days (2026-11-15 to 2026-11-17): UTM attribution looks broken.",
    );
  });

  it("is critical from exactly two days of spend without revenue in the window (README: from 2 days in the last 7)", () => {
    const row = (days: number) => ({
      channel: "meta",
      days_with_spend: 7,
      days_spend_without_revenue: days,
      spend_without_revenue: 100 * days,
      first_day: "2026-11-16",
      last_day: "2026-11-17",
    });
    assert.equal(attributionFindings([row(1)], 7, money)[0]?.severity, "warning");
    assert.equal(attributionFindings([row(2)], 7, money)[0]?.severity, "critical");
  });
});

describe("business rules in the shop's currency", () => {
  it("writes every amount of the attribution finding in it, the zero too", () => {
    const euros = new Intl.NumberFormat("fr-FR", {
      style: "currency",
      currency: "EUR",
      maximumFractionDigits: 0,
    });
    const [finding] = attributionFindings(
      [
        {
          channel: "google_ads",
          days_with_spend: 2,
          days_spend_without_revenue: 2,
          spend_without_revenue: 1544.6,
          first_day: "2026-11-20",
          last_day: "2026-11-21",
        },
      ],
      7,
      (value) => euros.format(value),
    );
    assert.equal(
      finding?.message.replace(/\s/g, " "),
      "Google Ads spent 1 545 € with 0 € attributed revenue on 2 of the last 7 days (2026-11-20 to 2026-11-21): UTM attribution looks broken.",
    );
  });
});

const RUN_DATE = "2026-11-21";

/** 70 days of orders: 100 a day, of which `direct` are direct/organic, the rest split over meta and email. */
function coverageDays(directShare: (date: string) => number): CoverageDay[] {
  const days: CoverageDay[] = [];
  for (let back = 69; back >= 0; back--) {
    const date = addDays(RUN_DATE, -back);
    const direct = Math.round(100 * directShare(date));
    days.push({ date, channel: "direct_or_organic", orders: direct, orders_with_utm: 0 });
    days.push({
      date,
      channel: "meta",
      orders: Math.round((100 - direct) * 0.6),
      orders_with_utm: Math.round((100 - direct) * 0.6),
    });
    days.push({
      date,
      channel: "email",
      orders: Math.round((100 - direct) * 0.4),
      orders_with_utm: Math.round((100 - direct) * 0.4),
    });
  }
  return days;
}

function verdict(partial: Partial<AnomalyVerdict>): AnomalyVerdict {
  return {
    date: RUN_DATE,
    status: "anomaly",
    observed: 0,
    expected: 100,
    lower: 80,
    upper: 120,
    score: -10,
    relativeChange: -1,
    direction: "drop",
    trainingDates: [],
    ...partial,
  };
}

const settings = DEFAULT_QUALITY_SETTINGS;

describe("attribution coverage", () => {
  it("does not cry wolf on a shop where most orders are direct or organic, as long as that is usual", () => {
    const input = { runDate: RUN_DATE, days: coverageDays(() => 0.7), settings };
    const measure = measureCoverage(input);
    assert.ok(Math.abs((measure.windowCoverage ?? 0) - 0.3) < 0.01);
    assert.equal(coverageFinding(measure, input), undefined, "30% coverage every day is this shop's normal");
    // The issue's fixed 90% bar would alert every single morning on the same data.
    const fixed = {
      ...input,
      settings: QualitySettingsSchema.parse({ attribution: { coverageMode: "threshold" } }),
    };
    assert.equal(coverageFinding(measureCoverage(fixed), fixed)?.check, "attribution_coverage");
  });

  it("warns when coverage falls against its own history and names the channel that lost its UTMs", () => {
    const broken = addDays(RUN_DATE, -6);
    const days = coverageDays((date) => (date >= broken ? 0.85 : 0.7)).map((day) =>
      // Meta's orders lose their UTMs in the last week: they become direct.
      day.channel === "meta" && day.date >= broken ? { ...day, orders: 0, orders_with_utm: 0 } : day,
    );
    const input = { runDate: RUN_DATE, days, settings };
    const finding = coverageFinding(measureCoverage(input), input);
    assert.equal(finding?.severity, "warning");
    assert.match(
      finding?.message ?? "",
      /^Only \d+% of orders from 2026-11-15 to 2026-11-21 carry a UTM source, against 30% usually/,
    );
    assert.match(finding?.message ?? "", /Meta \(0\.0% of orders, usually 18\.0%\)/);
  });

  it("judges nothing on too few orders", () => {
    const days = coverageDays(() => 0.7).map((day) => ({
      ...day,
      orders: day.orders / 50,
      orders_with_utm: 0,
    }));
    const input = { runDate: RUN_DATE, days, settings };
    assert.equal(coverageFinding(measureCoverage(input), input), undefined);
  });
});

describe("file-drop reject rate", () => {
  it("warns above 5%, is critical above half, and says nothing without the ingest metrics", () => {
    assert.equal(rejectRateFinding(undefined, 0.05), undefined);
    assert.equal(rejectRateFinding({ filesInInbox: 2 }, 0.05), undefined);
    assert.equal(rejectRateFinding({ fileRowsRead: 1000, fileRowsQuarantined: 50 }, 0.05), undefined);
    const warning = rejectRateFinding({ fileRowsRead: 1000, fileRowsQuarantined: 80 }, 0.05);
    assert.equal(warning?.severity, "warning");
    assert.match(
      warning?.message ?? "",
      /^8\.0% of the rows in today's file drops were rejected \(80 of 1,000\)/,
    );
    assert.equal(
      rejectRateFinding({ fileRowsRead: 100, fileRowsQuarantined: 90 }, 0.05)?.severity,
      "critical",
    );
    // Critical above half: exactly half is still a warning.
    assert.equal(
      rejectRateFinding({ fileRowsRead: 100, fileRowsQuarantined: 50 }, 0.05)?.severity,
      "warning",
    );
    assert.equal(
      rejectRateFinding({ fileRowsRead: 100, fileRowsQuarantined: 51 }, 0.05)?.severity,
      "critical",
    );
  });
});

describe("metric anomalies", () => {
  const money = (value: number) => `$${Math.round(value).toLocaleString("en-US")}`;

  it("makes a collapse of revenue critical, a milder drop a warning, and a spike of sales information", () => {
    const collapse = metricAnomalyFinding({
      metric: "gross_revenue",
      verdict: verdict({ observed: 2000, expected: 10000, lower: 7000, upper: 13000 }),
      settings,
      formatMoney: money,
    });
    assert.equal(collapse?.severity, "critical");
    assert.equal(
      collapse?.message,
      "Revenue on Saturday 2026-11-21 was $2,000, 80% under the usual $10,000 for that weekday (normal range $7,000–$13,000). Check the store, checkout and payments before reading the day's numbers.",
    );
    const dip = metricAnomalyFinding({
      metric: "orders",
      verdict: verdict({ observed: 60, expected: 100 }),
      settings,
      formatMoney: money,
    });
    assert.equal(dip?.severity, "warning");
    const spike = metricAnomalyFinding({
      metric: "orders",
      verdict: verdict({ observed: 180, expected: 100, direction: "spike", relativeChange: 0.8 }),
      settings,
      formatMoney: money,
    });
    assert.equal(spike?.severity, "info");
    assert.equal(
      metricAnomalyFinding({
        metric: "orders",
        verdict: verdict({ status: "normal" }),
        settings,
        formatMoney: money,
      }),
      undefined,
    );
  });

  it("warns about spend that rises alone, not spend that rises with revenue", () => {
    const spend = verdict({ observed: 2000, expected: 1000, direction: "spike", relativeChange: 1 });
    const alone = metricAnomalyFinding({
      metric: "spend",
      channel: "meta",
      verdict: spend,
      settings,
      formatMoney: money,
      revenueChange: 0.02,
    });
    assert.equal(alone?.severity, "warning");
    assert.match(alone?.message ?? "", /^Meta spend on Saturday 2026-11-21 was \$2,000, 100% over/);
    const push = metricAnomalyFinding({
      metric: "spend",
      channel: "meta",
      verdict: spend,
      settings,
      formatMoney: money,
      revenueChange: 0.4,
    });
    assert.equal(push?.severity, "info");
    assert.match(push?.message ?? "", /planned push/);
  });
});

describe("column and currency rules", () => {
  it("reports a NULL-rate jump, never a fall", () => {
    const jump = nullRateFinding(
      "unified.shopify_unified",
      "channel",
      verdict({ observed: 0.25, expected: 0, lower: 0, upper: 0.02, direction: "spike" }),
    );
    assert.equal(jump?.column, "channel");
    assert.equal(
      jump?.message,
      "25.0% of unified.shopify_unified rows for 2026-11-21 have no channel, against 0.0% usually: a source field may have stopped arriving.",
    );
    assert.equal(nullRateFinding("t", "c", verdict({ direction: "drop" })), undefined);
  });

  it("reports amounts in a currency other than the shop's", () => {
    assert.equal(
      currencyFinding("unified.shopify_unified", [{ currency: "USD", row_count: 10 }], "USD"),
      undefined,
    );
    assert.match(
      currencyFinding(
        "unified.shopify_unified",
        [
          { currency: "USD", row_count: 10 },
          { currency: "EUR", row_count: 3 },
        ],
        "USD",
      )?.message ?? "",
      /^3 rows of unified.shopify_unified in the run window are in EUR, not the shop's USD/,
    );
  });
});

describe("a shop without UTMs", () => {
  const day = (date: string, orders: number, withUtm: number) => ({
    date,
    channel: "direct",
    orders,
    orders_with_utm: withUtm,
  });

  it("is one information with the advice, not a daily alert", () => {
    const finding = noUtmFinding([day("2026-11-20", 6, 0), day("2026-11-21", 7, 0)], 10);
    assert.equal(finding?.severity, "info");
    assert.equal(finding?.blocking, false);
    assert.match(finding?.message ?? "", /None of the 13 orders read carries a UTM source/);
    assert.match(finding?.message ?? "", /utm_source=facebook&utm_medium=paid_social/);
  });

  it("says nothing when some orders carry UTMs, or when there are too few orders to tell", () => {
    assert.equal(noUtmFinding([day("2026-11-20", 60, 1)], 10), undefined);
    assert.equal(noUtmFinding([day("2026-11-20", 9, 0)], 10), undefined);
  });
});

describe("ad spend without an exchange rate says why and what gives the rates", () => {
  /** A GBP shop's USD Meta account without a rate on two days, and a TikTok advertiser whose rows name no currency. */
  const days = [
    {
      platform: "facebook_ads",
      account_id: "act_9",
      account_currency: "USD",
      date: "2026-11-13",
      account_spend: "120.5",
    },
    {
      platform: "facebook_ads",
      account_id: "act_9",
      account_currency: "USD",
      date: "2026-11-12",
      account_spend: 30,
    },
    {
      platform: "tiktok_ads",
      account_id: "61",
      account_currency: null,
      date: "2026-11-12",
      account_spend: 7.25,
    },
  ];

  it("with the ECB fetch on: the rates missing per euro, the rows landed, and the fetch, a rates file or a full refresh", () => {
    const [meta, tiktok] = missingRateFindings(days, "GBP", "ecb");
    assert.equal(meta?.observed, "USD: 2026-11-12, 2026-11-13");
    assert.equal(
      meta?.message,
      "Meta Ads account act_9 spends in USD, and there is no exchange rate to the shop's GBP for 2 days: " +
        "2026-11-12, 2026-11-13: raw.fx_rates holds no euro reference rate of USD or GBP for those days or the 7 " +
        "days before each. Its 150.50 USD of spend those days is left out of spend, ROAS, MER and CAC, which are " +
        "marked incomplete (not a sync problem: the rows landed). Each run fetches the ECB's euro reference rates " +
        'of USD and GBP for its window (exchangeRates.source "ecb"): if that fetch failed ' +
        "(exchange_rates_fetch_failed), the next run asks again; if the ECB publishes no rate of USD or GBP, drop " +
        "an fx_rates.csv (date, currency, rate per euro) covering those days in the inbox; for days before the " +
        "run window, a run with --full-refresh --force fetches the rates back to the oldest ad day.",
    );
    // A rate cannot help rows that name no currency: their column is what to fix.
    assert.equal(
      tiktok?.message,
      "TikTok Ads account 61's rows name no currency, so its spend cannot be converted to the shop's GBP for " +
        "2026-11-12. Its 7.25 of spend those days is left out of spend, ROAS, MER and CAC, which are marked " +
        "incomplete: check the currency column of its export or of its connector's rows.",
    );
  });

  it('with exchangeRates.source "files": a rates file, or turning the fetch on', () => {
    const [meta] = missingRateFindings(days.slice(0, 2), "EUR", "files");
    assert.match(
      meta?.message ?? "",
      /no euro reference rate of USD for those days .* exchangeRates\.source is "files", so no rate is fetched: drop an fx_rates\.csv \(date, currency, rate per euro\) covering those days in the inbox, or set exchangeRates\.source to "ecb" to have each run fetch the ECB's euro reference rates\.$/,
    );
  });
});
