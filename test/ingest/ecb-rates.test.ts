// The ingest step fetches the euro reference rates that ad accounts billing in another currency than the shop's
// need, from a local server answering as the ECB Data Portal does (SDMX-CSV for format=csvdata; 404 when no rate
// falls in the period: https://data.ecb.europa.eu/help/api/status-codes). A EUR shop with a USD Meta account asks for
// the dollar over the run window and the week before it, lands the rates as a dropped ECB CSV lands, and its
// marts count the Meta spend converted at them, computed here from the raw amounts and the answer's rates. The
// same rates fetched again land nothing, a corrected one lands; a first build, a --full-refresh or a run after the
// shop's currency changed asks from the week before the oldest day spent in dollars, and the old days' spend
// converts. Any other run whose older ad days lack a rate (history built without rates, then rebuilt for a new PII
// key; a Meta export of older days dropped later; a first run whose fetch failed) asks for theirs in a second
// request, and they convert too; a currency the ECB does not quote is not asked for them.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { EVERY_LANDING } from "../../functions/ingest/days-without-rate.ts";
import { olderRatesRequest } from "../../functions/ingest/ecb-rates.ts";
import { HISTORY_START } from "../../functions/lib/run-window.ts";
import { runIngest } from "../../functions/ingest/step.ts";
import {
  changedDays,
  EPOCH_WATERMARK,
  extractionMarks,
  newestExtraction,
} from "../../functions/transform/changes.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { SqlParams } from "../../functions/shared/ports.ts";
import type { StepContext, StepResult } from "../../functions/shared/step.ts";
import { roundDiv } from "../support/micros.ts";
import { metaAdDay, tiktokAdDay } from "../support/raw-ad-rows.ts";
import {
  listenLocally,
  recordingIo,
  type ScriptedAnswer,
  startScriptedServer,
} from "../support/scripted-server.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

/** A Saturday: no reference rate of its own, Friday's stands for it. */
const RUN_DATE = "2026-11-21";
const TIMEZONE = "Europe/Paris";
/** The run window (7 days of lookback) from the 14th, and the 7 days before it whose rates a weekend may take. */
const PERIOD = "startPeriod=2026-11-07&endPeriod=2026-11-21&format=csvdata";

/** The Data Portal's csvdata columns (a subset of its attributes, TITLE quoted as it writes it). */
const ECB_HEADER =
  "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,TITLE";
const ecbLine = (currency: string, day: string, rate: string) =>
  `EXR.D.${currency}.EUR.SP00.A,D,${currency},EUR,SP00,A,${day},${rate},A,"${currency}/Euro, reference rate"`;
const ecbCsv = (...lines: string[]) => [ECB_HEADER, ...lines, ""].join("\n");
const csvAnswer = (body: string): ScriptedAnswer => ({
  status: 200,
  headers: { "content-type": "text/csv" },
  body,
});

/**
 * A local ECB Data Portal holding `rates` (currency → day → rate per euro): it answers
 * /service/data/EXR/D.<cur>+<cur>.EUR.SP00.A?startPeriod=…&endPeriod=…&format=csvdata with the csvdata rows of those
 * currencies in the period asked, and 404 "No results found." when none falls in it, as the Data Portal does.
 */
async function startEcbServer(rates: Record<string, Record<string, string>>) {
  const requests: { path: string }[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://ecb");
    requests.push({ path: request.url ?? "" });
    const series = /\/EXR\/D\.([A-Z+]+)\.EUR\.SP00\.A$/.exec(url.pathname);
    const start = url.searchParams.get("startPeriod") ?? "0000-01-01";
    const end = url.searchParams.get("endPeriod") ?? "9999-12-31";
    const lines = (series?.[1] ?? "").split("+").flatMap((currency) =>
      Object.entries(rates[currency] ?? {})
        .filter(([day]) => day >= start && day <= end)
        .map(([day, rate]) => ecbLine(currency, day, rate)),
    );
    if (lines.length === 0) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("No results found.");
      return;
    }
    response.writeHead(200, { "content-type": "text/csv" });
    response.end(ecbCsv(...lines));
  });
  return { ...(await listenLocally(server)), requests };
}

/** USD micros Meta spent: Friday the 20th and Saturday the 21st. */
const META_SPEND: Record<string, bigint> = { "2026-11-20": 123_450_000n, "2026-11-21": 99_990_000n };
/** Dollars per euro, in ten-thousandths, as the answer gives them. */
const USD_PER_EUR: Record<string, bigint> = { "2026-11-19": 10_801n, "2026-11-20": 10_856n };

interface Shop {
  warehouse: DuckDbWarehouse;
  result: StepResult;
  paths: string[];
  close(): Promise<void>;
}

interface ShopOptions {
  shopCurrency: string;
  metaCurrency: string;
  /** The ECB server's answers, one a request (the last repeated)… */
  script?: readonly ScriptedAnswer[];
  /** …or the rates a local ECB Data Portal holds and answers for the period asked (startEcbServer). */
  rates?: Record<string, Record<string, string>>;
  exchangeRates?: Record<string, string>;
  /** USD micros Meta spent per day: META_SPEND unless given. */
  metaSpend?: Record<string, bigint>;
  /** A Google Ads account of only Smart campaigns billing in this currency: its day is in campaign totals alone. */
  smartGoogleCurrency?: string;
}

/** One ingest of RUN_DATE: at `now` (the rows' extraction time), a --full-refresh or not. */
interface IngestRun {
  now?: string;
  fullRefresh?: boolean;
}

/** A query an ingest sent: its label and parameters. */
interface SentQuery {
  label: string;
  params: SqlParams;
}

interface OpenShop {
  warehouse: DuckDbWarehouse;
  /** The requests the ECB server was sent so far, by path. */
  paths(): string[];
  /** The queries the last ingest sent. */
  queries(): SentQuery[];
  ingest(run?: IngestRun): Promise<StepResult>;
  close(): Promise<void>;
}

/**
 * A shop selling in `shopCurrency` whose raw tables hold a Meta account's days in `metaCurrency` and a TikTok
 * advertiser's in the shop's currency, ingested for RUN_DATE as often as asked with the ECB's URL pointed at a
 * server answering `script`, one answer a request, or at a local ECB Data Portal holding `rates`.
 */
async function openShop(options: ShopOptions): Promise<OpenShop> {
  const server = options.rates
    ? await startEcbServer(options.rates)
    : await startScriptedServer(options.script ?? []);
  const dir = await mkdtemp(join(tmpdir(), "pulse-ecb-"));
  const warehouse = await openFixtureWarehouse();
  const close = async () => {
    await server.close();
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await insertRaw(
      warehouse,
      "facebook_ads_insights",
      Object.entries(options.metaSpend ?? META_SPEND).map(([day, spend]) =>
        metaAdDay({
          day,
          spend,
          value: 0n,
          currency: options.metaCurrency,
          campaign: "US",
          account: "act_1",
          ad: "a1",
        }),
      ),
    );
    await insertRaw(warehouse, "tiktok_ads_reports_daily", [
      tiktokAdDay({
        day: "2026-11-20",
        spend: 5_000_000n,
        value: 0n,
        currency: options.shopCurrency,
        campaign: "Spark",
        advertiser: 61,
        ad: 601,
      }),
    ]);
    if (options.smartGoogleCurrency) {
      await insertRaw(warehouse, "google_ads_campaign_totals", [
        {
          segments_date: "2026-11-20",
          customer_id: 1234567890,
          customer_currency_code: options.smartGoogleCurrency,
          campaign_id: 77,
          campaign_name: "Smart",
          campaign_advertising_channel_type: "SMART",
          metrics_cost_micros: 8_000_000,
          _airbyte_raw_id: "smart-2026-11-20",
          _airbyte_extracted_at: "2026-11-21T05:00:00Z",
        },
      ]);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const bucket = new FolderBucket(join(dir, "bucket"));
  const config = loadConfig({
    env: {
      PULSE_SETTINGS: JSON.stringify({
        version: 1,
        shop: { currency: options.shopCurrency, timezone: TIMEZONE },
        exchangeRates: { baseUrl: `${server.url}/service/data/EXR`, ...options.exchangeRates },
        connectors: { retry: { maxAttempts: 2, maxDelaySeconds: 1 } },
      }),
    },
    cwd: dir,
  });
  const sent: SentQuery[] = [];
  const recording = new Proxy(warehouse, {
    get(target, property) {
      if (property === "query")
        return (sql: string, params: SqlParams, options: { label: string }) => {
          sent.push({ label: options.label, params });
          return target.query(sql, params, options);
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const ingest = async (run: IngestRun = {}) => {
    sent.length = 0;
    const context = {
      step: "ingest",
      message: parseRunMessage({
        runDate: RUN_DATE,
        runId: "ecb",
        trigger: "manual",
        options: { fullRefresh: run.fullRefresh ?? false },
      }),
      config,
      ports: {
        warehouse: recording,
        bucket,
        secrets: { get: async () => undefined },
        clock: { now: () => new Date(run.now ?? "2026-11-22T06:00:00Z") },
      },
      ledger: new Ledger(bucket),
      log: silentLogger(),
    } as unknown as StepContext;
    return runIngest(context, recordingIo().io);
  };
  return {
    warehouse,
    paths: () => server.requests.map((request) => request.path),
    queries: () => [...sent],
    ingest,
    close,
  };
}

/** A shop as `openShop` makes it, ingested once. */
async function ingestShop(options: ShopOptions): Promise<Shop> {
  const shop = await openShop(options);
  try {
    const result = await shop.ingest();
    return { warehouse: shop.warehouse, result, paths: shop.paths(), close: shop.close };
  } catch (error) {
    await shop.close();
    throw error;
  }
}

/** Runs `check` on a shop ingested as `ingestShop` does, then closes it. */
async function withShop(
  options: Parameters<typeof ingestShop>[0],
  check: (shop: Shop) => Promise<void> | void,
): Promise<void> {
  const shop = await ingestShop(options);
  try {
    await check(shop);
  } finally {
    await shop.close();
  }
}

async function landedRates(warehouse: DuckDbWarehouse) {
  const rows = await warehouse.query(
    `SELECT CAST(date AS STRING) AS day, currency, CAST(rate AS STRING) AS rate,
            JSON_VALUE(_airbyte_meta, '$.source') AS source, JSON_VALUE(_airbyte_meta, '$.kind') AS kind
     FROM raw.fx_rates ORDER BY day, currency`,
    {},
    { label: "landed rates" },
  );
  return rows.map((row) => [row.day, row.currency, Number(row.rate), row.source, row.kind]);
}

/** The window's answer: the dollar's rates of Thursday and Friday. */
const windowAnswer = csvAnswer(
  ecbCsv(ecbLine("USD", "2026-11-19", "1.0801"), ecbLine("USD", "2026-11-20", "1.0856")),
);

/** Where the last ingest's check of the ad days without a rate read the raw ad rows from (their extraction time). */
function landedSinceOf(shop: OpenShop): unknown[] {
  return shop
    .queries()
    .filter((query) => query.label === "ad days landed since the last rate check")
    .map((query) => query.params.landed_since);
}

/** Whether the last ingest sent a query over the days from the start of history (HISTORY_START). */
function readsFromHistoryStart(shop: OpenShop): boolean {
  return shop.queries().some((query) => query.params.window_start === HISTORY_START);
}

describe(
  "a EUR shop with a USD Meta account: the run fetches the dollar's euro reference rates",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    let shop: Shop;
    before(async () => {
      shop = await ingestShop({
        shopCurrency: "EUR",
        metaCurrency: "USD",
        script: [
          csvAnswer(ecbCsv(ecbLine("USD", "2026-11-19", "1.0801"), ecbLine("USD", "2026-11-20", "1.0856"))),
        ],
      });
      await buildModels(shop.warehouse, RUN_DATE, {
        fullRefresh: true,
        env: { PULSE_CURRENCY: "EUR", PULSE_TIMEZONE: TIMEZONE },
      });
    });
    after(async () => {
      await shop.close();
    });

    it("asks once for D.USD.EUR.SP00.A over the run window and the week before it", () => {
      assert.deepEqual(shop.paths, [`/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`]);
      assert.deepEqual(shop.result.findings, []);
      assert.equal(shop.result.metrics?.["exchangeRates.rowsLanded"], 2);
    });

    it("lands each day's rate in raw.fx_rates as a dropped ECB CSV lands, marked as fetched", async () => {
      assert.deepEqual(await landedRates(shop.warehouse), [
        ["2026-11-19", "USD", 1.0801, "api", "ecb_exr"],
        ["2026-11-20", "USD", 1.0856, "api", "ecb_exr"],
      ]);
    });

    it("the marts count Meta's dollars at Friday's rate, Saturday's too, to the micro", async () => {
      const rows = await shop.warehouse.query(
        `SELECT CAST(date AS STRING) AS day, spend FROM marts.marketing_daily_channel
         WHERE channel = 'meta' AND spend > 0 ORDER BY day`,
        {},
        { label: "meta spend" },
      );
      // euros = dollars ÷ (dollars per euro): micros × 10 000 ÷ the rate in ten-thousandths.
      const friday = USD_PER_EUR["2026-11-20"] as bigint;
      assert.deepEqual(
        rows.map((row) => [row.day, Number(row.spend)]),
        Object.entries(META_SPEND).map(([day, spend]) => [
          day,
          Number(roundDiv(spend * 10_000n, friday)) / 1e6,
        ]),
      );
    });
  },
);

describe(
  "a first build or a --full-refresh fetches the rates of every ad day, from the oldest spent in another currency",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    /** USD micros Meta spent two months before the run window (a Monday and a Tuesday), beside META_SPEND. */
    const OLD_SPEND: Record<string, bigint> = { "2026-09-14": 80_000_000n, "2026-09-15": 45_670_000n };
    /** Dollars per euro, in ten-thousandths, on those days. */
    const OLD_USD_PER_EUR: Record<string, bigint> = { "2026-09-14": 11_720n, "2026-09-15": 11_745n };
    /** From the week before the oldest Meta day (a rate a day may take) through the run date. */
    const HISTORY_PERIOD = "startPeriod=2026-09-07&endPeriod=2026-11-21&format=csvdata";
    let shop: OpenShop;
    let first: StepResult;
    before(async () => {
      shop = await openShop({
        shopCurrency: "EUR",
        metaCurrency: "USD",
        metaSpend: { ...OLD_SPEND, ...META_SPEND },
        rates: {
          USD: Object.fromEntries(
            Object.entries({ ...OLD_USD_PER_EUR, ...USD_PER_EUR }).map(([day, rate]) => [
              day,
              (Number(rate) / 10_000).toFixed(4),
            ]),
          ),
        },
      });
      // The shop's first run: no transform has run on this warehouse yet.
      first = await shop.ingest();
      await buildModels(shop.warehouse, RUN_DATE, {
        fullRefresh: true,
        env: { PULSE_CURRENCY: "EUR", PULSE_TIMEZONE: TIMEZONE },
      });
    });
    after(async () => {
      await shop.close();
    });

    it("the first run asks once, from a week before the oldest Meta day in dollars", () => {
      assert.deepEqual(shop.paths(), [`/service/data/EXR/D.USD.EUR.SP00.A?${HISTORY_PERIOD}`]);
      assert.equal(first.metrics?.["exchangeRates.rowsLanded"], 4);
    });

    it("the old days' Meta dollars count in euros at their own day's rate, to the micro", async () => {
      const rows = await shop.warehouse.query(
        `SELECT CAST(date AS STRING) AS day, spend FROM marts.marketing_daily_channel
         WHERE channel = 'meta' AND spend > 0 ORDER BY day`,
        {},
        { label: "meta spend" },
      );
      // Saturday the 21st takes Friday's rate; each other day has its own.
      const rateOf = (day: string) =>
        ({ ...OLD_USD_PER_EUR, ...USD_PER_EUR, "2026-11-21": USD_PER_EUR["2026-11-20"] })[day] as bigint;
      assert.deepEqual(
        rows.map((row) => [row.day, Number(row.spend)]),
        Object.entries({ ...OLD_SPEND, ...META_SPEND }).map(([day, spend]) => [
          day,
          Number(roundDiv(spend * 10_000n, rateOf(day))) / 1e6,
        ]),
      );
    });

    it("a daily run after that transform asks for its window only, and a --full-refresh from the oldest day again", async () => {
      await shop.ingest({ now: "2026-11-22T07:00:00Z" });
      await shop.ingest({ now: "2026-11-22T08:00:00Z", fullRefresh: true });
      assert.deepEqual(shop.paths().slice(1), [
        `/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`,
        `/service/data/EXR/D.USD.EUR.SP00.A?${HISTORY_PERIOD}`,
      ]);
    });
  },
);

describe(
  "a shop that changed its currency to the euro: the next daily run fetches the rates of every ad day",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    it("asks from the week before the oldest Meta day, as the transform rebuilds all history in euros", async () => {
      const shop = await openShop({
        shopCurrency: "EUR",
        metaCurrency: "USD",
        metaSpend: { "2026-09-14": 80_000_000n, ...META_SPEND },
        rates: { USD: { "2026-09-14": "1.1720", "2026-11-19": "1.0801", "2026-11-20": "1.0856" } },
      });
      try {
        // Built when the shop sold in dollars, as its Meta account bills: no rate was needed.
        await buildModels(shop.warehouse, "2026-11-20", {
          fullRefresh: true,
          env: { PULSE_CURRENCY: "USD", PULSE_TIMEZONE: TIMEZONE },
        });
        // The daily run of the next day, now in euros.
        await shop.ingest();
        assert.deepEqual(shop.paths(), [
          "/service/data/EXR/D.USD.EUR.SP00.A?startPeriod=2026-09-07&endPeriod=2026-11-21&format=csvdata",
        ]);
        assert.deepEqual(
          (await landedRates(shop.warehouse)).map((row) => row[0]),
          ["2026-09-14", "2026-11-19", "2026-11-20"],
        );
      } finally {
        await shop.close();
      }
    });
  },
);

describe("which rates a run asks for, and when it asks none", () => {
  it("a GBP shop with a USD account asks for both, to cross through the euro", async () => {
    await withShop(
      {
        shopCurrency: "GBP",
        metaCurrency: "USD",
        script: [
          csvAnswer(ecbCsv(ecbLine("GBP", "2026-11-20", "0.8652"), ecbLine("USD", "2026-11-20", "1.0856"))),
        ],
      },
      async (shop) => {
        assert.deepEqual(shop.paths, [`/service/data/EXR/D.GBP+USD.EUR.SP00.A?${PERIOD}`]);
        assert.deepEqual(await landedRates(shop.warehouse), [
          ["2026-11-20", "GBP", 0.8652, "api", "ecb_exr"],
          ["2026-11-20", "USD", 1.0856, "api", "ecb_exr"],
        ]);
      },
    );
  });

  it("a EUR shop whose USD Google Ads account runs only Smart campaigns asks for the dollar", async () => {
    // The account has no ad-group row: its days, and the currency they are in, are in campaign totals alone.
    await withShop(
      {
        shopCurrency: "EUR",
        metaCurrency: "EUR",
        smartGoogleCurrency: "USD",
        script: [csvAnswer(ecbCsv(ecbLine("USD", "2026-11-20", "1.0856")))],
      },
      async (shop) => {
        assert.deepEqual(shop.paths, [`/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`]);
        assert.deepEqual(await landedRates(shop.warehouse), [
          ["2026-11-20", "USD", 1.0856, "api", "ecb_exr"],
        ]);
      },
    );
  });

  it("a single-currency shop asks nothing", async () => {
    await withShop(
      {
        shopCurrency: "USD",
        metaCurrency: "USD",
        script: [csvAnswer(ecbCsv())],
      },
      async (shop) => {
        assert.deepEqual(shop.paths, []);
        assert.deepEqual(shop.result.findings, []);
      },
    );
  });

  it('exchangeRates.source "files" never asks', async () => {
    await withShop(
      {
        shopCurrency: "EUR",
        metaCurrency: "USD",
        script: [csvAnswer(ecbCsv(ecbLine("USD", "2026-11-20", "1.0856")))],
        exchangeRates: { source: "files" },
      },
      async (shop) => {
        assert.deepEqual(shop.paths, []);
        assert.deepEqual(await landedRates(shop.warehouse), []);
      },
    );
  });

  it("a 404 (no rate in the period) lands nothing and is no problem", async () => {
    await withShop(
      {
        shopCurrency: "EUR",
        metaCurrency: "USD",
        script: [{ status: 404, headers: { "content-type": "text/plain" }, body: "No results found." }],
      },
      async (shop) => {
        assert.equal(shop.paths.length, 1);
        assert.deepEqual(shop.result.findings, []);
        assert.deepEqual(await landedRates(shop.warehouse), []);
      },
    );
  });
});

describe("the same rates fetched again land nothing; a corrected one lands and rebuilds its days", () => {
  const answer = (friday: string) =>
    csvAnswer(ecbCsv(ecbLine("USD", "2026-11-19", "1.0801"), ecbLine("USD", "2026-11-20", friday)));

  it("two runs in a row land the ECB's two rates once, and a third, after the ECB corrected Friday's, lands that one", async () => {
    const shop = await openShop({
      shopCurrency: "EUR",
      metaCurrency: "USD",
      // Friday's rate as the ECB first gave it, the same again, then corrected.
      script: [answer("1.0856"), answer("1.0856"), answer("1.0862")],
    });
    try {
      const first = await shop.ingest({ now: "2026-11-22T06:00:00Z" });
      // What the transform after the first run read up to.
      const marks = await newestExtraction(shop.warehouse, extractionMarks(EPOCH_WATERMARK));
      const again = await shop.ingest({ now: "2026-11-22T07:00:00Z" });
      assert.deepEqual(
        [first.metrics?.["exchangeRates.rowsLanded"], again.metrics?.["exchangeRates.rowsLanded"]],
        [2, 0],
      );
      assert.equal(again.metrics?.["exchangeRates.rowsFetched"], 2);
      assert.match(again.summary ?? "", /exchange rates: 0 new of 2 fetched for USD/);
      assert.deepEqual(await landedRates(shop.warehouse), [
        ["2026-11-19", "USD", 1.0801, "api", "ecb_exr"],
        ["2026-11-20", "USD", 1.0856, "api", "ecb_exr"],
      ]);
      assert.deepEqual(await changedDays(shop.warehouse, marks, RUN_DATE, TIMEZONE), []);

      const corrected = await shop.ingest({ now: "2026-11-22T08:00:00Z" });
      assert.equal(corrected.metrics?.["exchangeRates.rowsLanded"], 1);
      assert.deepEqual(await landedRates(shop.warehouse), [
        ["2026-11-19", "USD", 1.0801, "api", "ecb_exr"],
        ["2026-11-20", "USD", 1.0856, "api", "ecb_exr"],
        ["2026-11-20", "USD", 1.0862, "api", "ecb_exr"],
      ]);
      // Friday's new rate converts Friday and Saturday, which takes Friday's: both are rebuilt.
      assert.deepEqual(await changedDays(shop.warehouse, marks, RUN_DATE, TIMEZONE), [
        "2026-11-20",
        "2026-11-21",
      ]);
      assert.equal(shop.paths().length, 3);
    } finally {
      await shop.close();
    }
  });

  it("rates a dropped file landed already are not landed again by the fetch", async () => {
    const shop = await openShop({
      shopCurrency: "EUR",
      metaCurrency: "USD",
      script: [answer("1.0856")],
    });
    try {
      // The same two days as the shop's own fx_rates.csv gave them, Friday's with a trailing zero.
      await insertRaw(shop.warehouse, "fx_rates", [
        {
          date: "2026-11-19",
          currency: "USD",
          rate: "1.0801",
          _airbyte_extracted_at: "2026-11-21T09:00:00Z",
        },
        {
          date: "2026-11-20",
          currency: "USD",
          rate: "1.08560",
          _airbyte_extracted_at: "2026-11-21T09:00:00Z",
        },
      ]);
      const result = await shop.ingest();
      assert.equal(result.metrics?.["exchangeRates.rowsLanded"], 0);
      const rows = await shop.warehouse.query(
        `SELECT COUNT(*) AS n FROM raw.fx_rates`,
        {},
        { label: "count" },
      );
      assert.equal(Number(rows[0]?.n), 2);
    } finally {
      await shop.close();
    }
  });
});

describe("a fetch that fails is a warning, and ingest goes on", () => {
  for (const [what, answer, problem] of [
    ["a 500 after its retries", { status: 500, body: "oops" }, /HTTP 500 after 2 attempts/],
    [
      "an answer that is no rates CSV",
      {
        status: 200,
        headers: { "content-type": "text/html" },
        body: "<html><body>Maintenance</body></html>",
      },
      /not the ECB's rates CSV/,
    ],
    // Nothing listens on port 1 of this machine: every attempt is refused.
    ["no answer at all", { baseUrl: "http://127.0.0.1:1/service/data/EXR" }, /no answer \(/],
  ] as const) {
    it(what, async () => {
      const options =
        "baseUrl" in answer
          ? { script: [], exchangeRates: { baseUrl: answer.baseUrl } }
          : { script: [answer] };
      await withShop({ shopCurrency: "EUR", metaCurrency: "USD", ...options }, async (shop) => {
        assert.deepEqual(
          shop.result.findings?.map((finding) => [finding.check, finding.severity, finding.subject]),
          [["exchange_rates_fetch_failed", "warning", "USD"]],
        );
        const message = shop.result.findings?.[0]?.message ?? "";
        assert.match(message, problem);
        assert.match(message, /D\.USD\.EUR\.SP00\.A/);
        assert.match(message, /drop an fx_rates\.csv/);
        assert.deepEqual(await landedRates(shop.warehouse), []);
        // The step still took stock of what landed: Meta's row of the run date.
        assert.equal(shop.result.rows?.["raw.facebook_ads_insights"], 1);
        assert.match(shop.result.summary ?? "", /exchange rates: USD failed/);
      });
    });
  }
});

describe(
  "older ad days without a rate: a daily run asks for their rates once the window's are in, whatever rebuilds those days",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    /** USD micros Meta spent two months before the run window (a Monday and a Tuesday), beside META_SPEND. */
    const OLD_SPEND: Record<string, bigint> = { "2026-09-14": 80_000_000n, "2026-09-15": 45_670_000n };
    /** Dollars per euro, in ten-thousandths, on those days. */
    const OLD_USD_PER_EUR: Record<string, bigint> = { "2026-09-14": 11_720n, "2026-09-15": 11_745n };
    /** The ECB's dollar rates of every day above, as its answer writes them. */
    const USD_RATES = Object.fromEntries(
      Object.entries({ ...OLD_USD_PER_EUR, ...USD_PER_EUR }).map(([day, rate]) => [
        day,
        (Number(rate) / 10_000).toFixed(4),
      ]),
    );
    /** OLD_SPEND's days, landed late as a Meta export at `extractedAt` (their days already two months old). */
    const landOldSpend = (warehouse: DuckDbWarehouse, extractedAt: string) =>
      insertRaw(
        warehouse,
        "facebook_ads_insights",
        Object.entries(OLD_SPEND).map(([day, spend]) => ({
          ...metaAdDay({
            day,
            spend,
            value: 0n,
            currency: "USD",
            campaign: "US",
            account: "act_1",
            ad: "a1",
          }),
          _airbyte_extracted_at: extractedAt,
        })),
      );
    /** From the week before the oldest Meta day to the day before the window's request (PERIOD) starts. */
    const OLDER_PERIOD = "startPeriod=2026-09-07&endPeriod=2026-11-06&format=csvdata";
    const EUR_SHOP = { PULSE_CURRENCY: "EUR", PULSE_TIMEZONE: TIMEZONE };

    /** The marts' Meta spend per day, and as computed from the raw micros at each day's own rate (Saturday: Friday's). */
    async function metaSpendInEuros(warehouse: DuckDbWarehouse) {
      const rows = await warehouse.query(
        `SELECT CAST(date AS STRING) AS day, spend FROM marts.marketing_daily_channel
         WHERE channel = 'meta' AND spend > 0 ORDER BY day`,
        {},
        { label: "meta spend" },
      );
      const rateOf = (day: string) =>
        ({ ...OLD_USD_PER_EUR, ...USD_PER_EUR, "2026-11-21": USD_PER_EUR["2026-11-20"] })[day] as bigint;
      return {
        marts: rows.map((row) => [row.day, Number(row.spend)]),
        expected: Object.entries({ ...OLD_SPEND, ...META_SPEND }).map(([day, spend]) => [
          day,
          Number(roundDiv(spend * 10_000n, rateOf(day))) / 1e6,
        ]),
      };
    }

    it("history built without rates, then a new PII key: the run asks for the old days' rates, and the rebuild converts them", async () => {
      const shop = await openShop({
        shopCurrency: "EUR",
        metaCurrency: "USD",
        metaSpend: { ...OLD_SPEND, ...META_SPEND },
        rates: { USD: USD_RATES },
      });
      try {
        // History built before any rate was fetched (the shop gave rates as files, or ran a version without the
        // fetch): the days' dollars counted 0.
        await buildModels(shop.warehouse, "2026-11-20", { fullRefresh: true, env: EUR_SHOP });
        const result = await shop.ingest();
        assert.deepEqual(shop.paths(), [
          `/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`,
          `/service/data/EXR/D.USD.EUR.SP00.A?${OLDER_PERIOD}`,
        ]);
        assert.deepEqual(
          (await landedRates(shop.warehouse)).map((row) => row[0]),
          ["2026-09-14", "2026-09-15", "2026-11-19", "2026-11-20"],
        );
        assert.equal(result.metrics?.["exchangeRates.olderDaysWithoutRate"], 2);
        assert.match(
          result.summary ?? "",
          /exchange rates: 2 new of 2 fetched for USD, and 2 new of 2 for 2 older ad days without one \(USD from 2026-09-07\)/,
        );
        assert.deepEqual(result.findings, []);
        // The PII key was rotated: the transform rebuilds all history, which ingest cannot see (the key is not its).
        await buildModels(shop.warehouse, RUN_DATE, {
          env: EUR_SHOP,
          piiKey: "a-rotated-key-that-is-long-enough-for-hmac",
        });
        const { marts, expected } = await metaSpendInEuros(shop.warehouse);
        assert.deepEqual(marts, expected);
        // Every day has its rate now: the next run asks for its window only.
        await shop.ingest({ now: "2026-11-22T08:00:00Z" });
        assert.deepEqual(shop.paths().slice(2), [`/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`]);
      } finally {
        await shop.close();
      }
    });

    it("a Meta export of older days dropped after the first run: the next run asks for their rates, and its transform converts them", async () => {
      const shop = await openShop({
        shopCurrency: "EUR",
        metaCurrency: "USD",
        rates: { USD: USD_RATES },
      });
      try {
        await shop.ingest({ now: "2026-11-22T06:00:00Z" });
        await buildModels(shop.warehouse, RUN_DATE, { fullRefresh: true, env: EUR_SHOP });
        // September's days, exported later.
        await landOldSpend(shop.warehouse, "2026-11-22T06:30:00Z");
        await shop.ingest({ now: "2026-11-22T07:00:00Z" });
        assert.deepEqual(shop.paths(), [
          `/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`,
          `/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`,
          `/service/data/EXR/D.USD.EUR.SP00.A?${OLDER_PERIOD}`,
        ]);
        // A daily run: the late rows and the rates landed since rebuild their days.
        await buildModels(shop.warehouse, RUN_DATE, { env: EUR_SHOP });
        const { marts, expected } = await metaSpendInEuros(shop.warehouse);
        assert.deepEqual(marts, expected);
      } finally {
        await shop.close();
      }
    });

    it("a first run whose fetch failed: the next run asks for the window's rates, then the older days'", async () => {
      const shop = await openShop({
        shopCurrency: "EUR",
        metaCurrency: "USD",
        metaSpend: { ...OLD_SPEND, ...META_SPEND },
        script: [
          // The first run's two attempts.
          { status: 503, body: "Service Unavailable" },
          { status: 503, body: "Service Unavailable" },
          csvAnswer(ecbCsv(ecbLine("USD", "2026-11-19", "1.0801"), ecbLine("USD", "2026-11-20", "1.0856"))),
          csvAnswer(ecbCsv(ecbLine("USD", "2026-09-14", "1.1720"), ecbLine("USD", "2026-09-15", "1.1745"))),
        ],
      });
      try {
        const failed = await shop.ingest({ now: "2026-11-22T06:00:00Z" });
        assert.deepEqual(
          failed.findings?.map((finding) => finding.check),
          ["exchange_rates_fetch_failed"],
        );
        await buildModels(shop.warehouse, RUN_DATE, { fullRefresh: true, env: EUR_SHOP });
        await shop.ingest({ now: "2026-11-22T07:00:00Z" });
        assert.deepEqual(shop.paths().slice(2), [
          `/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`,
          `/service/data/EXR/D.USD.EUR.SP00.A?${OLDER_PERIOD}`,
        ]);
        await buildModels(shop.warehouse, RUN_DATE, { env: EUR_SHOP });
        const { marts, expected } = await metaSpendInEuros(shop.warehouse);
        assert.deepEqual(marts, expected);
      } finally {
        await shop.close();
      }
    });

    it("an older request that failed is asked again the next run, from what the last check kept, not from all history", async () => {
      const shop = await openShop({
        shopCurrency: "EUR",
        metaCurrency: "USD",
        metaSpend: { ...OLD_SPEND, ...META_SPEND },
        script: [
          windowAnswer,
          // The older request's two attempts.
          { status: 503, body: "Service Unavailable" },
          { status: 503, body: "Service Unavailable" },
          windowAnswer,
          csvAnswer(ecbCsv(ecbLine("USD", "2026-09-14", "1.1720"), ecbLine("USD", "2026-09-15", "1.1745"))),
          windowAnswer,
        ],
      });
      try {
        await buildModels(shop.warehouse, "2026-11-20", { fullRefresh: true, env: EUR_SHOP });
        const failed = await shop.ingest({ now: "2026-11-22T06:00:00Z" });
        assert.deepEqual(
          failed.findings?.map((finding) => finding.check),
          ["exchange_rates_fetch_failed"],
        );
        assert.equal(failed.metrics?.["exchangeRates.olderDaysWithoutRate"], 2);
        const again = await shop.ingest({ now: "2026-11-22T07:00:00Z" });
        // September's rows landed in September: this check reads from 24 hours before the last began, and finds
        // their days in what that check kept.
        assert.deepEqual(landedSinceOf(shop), ["2026-11-21T06:00:00.000Z"]);
        assert.equal(readsFromHistoryStart(shop), false);
        assert.deepEqual(shop.paths().slice(3), [
          `/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`,
          `/service/data/EXR/D.USD.EUR.SP00.A?${OLDER_PERIOD}`,
        ]);
        assert.equal(again.metrics?.["exchangeRates.olderDaysWithoutRate"], 2);
        assert.equal(again.metrics?.["exchangeRates.olderRowsLanded"], 2);
        assert.deepEqual(
          (await landedRates(shop.warehouse)).map((row) => row[0]),
          ["2026-09-14", "2026-09-15", "2026-11-19", "2026-11-20"],
        );
        // Their rates landed since that check: the next run asks for its window only.
        await shop.ingest({ now: "2026-11-22T08:00:00Z" });
        assert.deepEqual(shop.paths().slice(5), [`/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`]);
      } finally {
        await shop.close();
      }
    });

    describe("a daily run's check reads the raw ad rows landed since the last check, not all history", () => {
      let shop: OpenShop;
      let firstCheck: unknown[];
      before(async () => {
        shop = await openShop({ shopCurrency: "EUR", metaCurrency: "USD", rates: { USD: USD_RATES } });
        // The first run (all history, no check of older days), its build, and the first daily run's check.
        await shop.ingest({ now: "2026-11-22T06:00:00Z" });
        await buildModels(shop.warehouse, RUN_DATE, { fullRefresh: true, env: EUR_SHOP });
        await shop.ingest({ now: "2026-11-22T07:00:00Z" });
        firstCheck = landedSinceOf(shop);
      });
      after(async () => {
        await shop.close();
      });

      it("the first daily run's check, with nothing kept yet, reads them all once", () => {
        assert.deepEqual(firstCheck, [EVERY_LANDING]);
      });

      it("the next run reads them from 24 hours before the last check began, and asks for its window only", async () => {
        await shop.ingest({ now: "2026-11-23T07:00:00Z" });
        assert.deepEqual(landedSinceOf(shop), ["2026-11-21T07:00:00.000Z"]);
        assert.equal(readsFromHistoryStart(shop), false);
        assert.deepEqual(shop.paths().slice(2), [`/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`]);
      });

      it("a Meta export of older days landed after that check: the next run asks for their rates", async () => {
        await landOldSpend(shop.warehouse, "2026-11-23T08:00:00Z");
        const result = await shop.ingest({ now: "2026-11-23T09:00:00Z" });
        assert.deepEqual(landedSinceOf(shop), ["2026-11-22T07:00:00.000Z"]);
        assert.equal(readsFromHistoryStart(shop), false);
        assert.deepEqual(shop.paths().slice(3), [
          `/service/data/EXR/D.USD.EUR.SP00.A?${PERIOD}`,
          `/service/data/EXR/D.USD.EUR.SP00.A?${OLDER_PERIOD}`,
        ]);
        assert.equal(result.metrics?.["exchangeRates.olderDaysWithoutRate"], 2);
        assert.deepEqual(
          (await landedRates(shop.warehouse)).map((row) => row[0]),
          ["2026-09-14", "2026-09-15", "2026-11-19", "2026-11-20"],
        );
      });
    });

    it("a currency the ECB does not quote is not asked for again for older days every morning", async () => {
      // A GBP shop whose Meta account bills in Argentine pesos: the ECB answers the pound, never the peso; the
      // old days lack the peso's rate for good, until the shop drops an fx_rates.csv.
      const shop = await openShop({
        shopCurrency: "GBP",
        metaCurrency: "ARS",
        metaSpend: { ...OLD_SPEND, ...META_SPEND },
        rates: { GBP: { "2026-09-14": "0.8660", "2026-09-15": "0.8671", "2026-11-20": "0.8652" } },
      });
      try {
        await buildModels(shop.warehouse, "2026-11-20", {
          fullRefresh: true,
          env: { PULSE_CURRENCY: "GBP", PULSE_TIMEZONE: TIMEZONE },
        });
        const result = await shop.ingest();
        assert.deepEqual(shop.paths(), [`/service/data/EXR/D.ARS+GBP.EUR.SP00.A?${PERIOD}`]);
        assert.equal(result.metrics?.["exchangeRates.olderDaysWithoutRate"], undefined);
      } finally {
        await shop.close();
      }
    });
  },
);

describe("olderRatesRequest: the rates of the ad days before the window that have none", () => {
  const row = (currency: string, first: string | null, days = first ? 1 : 0) => ({
    currency,
    first_day: "2026-01-05",
    first_day_without_rate: first,
    days_without_rate: days,
  });
  const WINDOW_PERIOD_START = "2026-11-07";

  it("asks from the week before the oldest day lacking one to the day before the window's request", () => {
    assert.deepEqual(
      olderRatesRequest(
        [row("USD", "2026-03-10"), row("GBP", "2026-02-02")],
        "EUR",
        new Set(["GBP", "USD"]),
        WINDOW_PERIOD_START,
      ),
      { currencies: ["GBP", "USD"], period: { start: "2026-01-26", end: "2026-11-06" } },
    );
  });

  it("asks nothing when every older day has its rate, or only the shop's own currency was spent", () => {
    assert.equal(olderRatesRequest([row("USD", null)], "EUR", new Set(["USD"]), WINDOW_PERIOD_START), null);
    assert.equal(
      olderRatesRequest([row("EUR", "2026-03-10")], "EUR", new Set(["USD"]), WINDOW_PERIOD_START),
      null,
    );
  });

  it("asks only for currencies the window's answer held, the shop's too when it is not the euro", () => {
    // The peso was not answered: neither it nor the pound (useless without it) is asked for.
    assert.deepEqual(
      olderRatesRequest(
        [row("ARS", "2026-02-02"), row("USD", "2026-03-10")],
        "GBP",
        new Set(["GBP", "USD"]),
        WINDOW_PERIOD_START,
      ),
      { currencies: ["GBP", "USD"], period: { start: "2026-03-03", end: "2026-11-06" } },
    );
    // A GBP shop whose pound went unanswered converts no dollar: nothing to ask.
    assert.equal(
      olderRatesRequest([row("USD", "2026-03-10")], "GBP", new Set(["USD"]), WINDOW_PERIOD_START),
      null,
    );
  });
});
