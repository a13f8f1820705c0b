// Exchange rates dropped in the inbox: the shop's own fx_rates.csv (date, currency, rate per euro) and the ECB
// Data Portal's CSV of its euro reference rates land in raw.fx_rates; a row that cannot be a rate per euro is
// quarantined with its reason. Then a USD shop's Meta export billed in EUR, dropped with the rates, reaches the
// marts in dollars at the rate in effect that day (a Saturday: Friday's), computed here from the files.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { createHarness, dropThroughTransform, type Harness, RUN_DATE } from "./harness.ts";

describe("exchange rates dropped in the inbox", () => {
  let harness: Harness;
  before(async () => {
    harness = await createHarness();
  });
  after(async () => {
    await harness.close();
  });

  it("fx_rates.csv: each day's rate per euro lands as written; a row that is no rate is quarantined", async () => {
    const outcome = await harness.ingest(
      "fx_rates.csv",
      [
        "date,currency,rate",
        "2026-11-19,USD,1.0801",
        "2026-11-20,usd,1.0856",
        "2026-11-20,GBP,0.86523",
        "2026-11-20,US dollar,1.08",
        "2026-11-20,JPY,-162.5",
        "",
      ].join("\n"),
    );
    assert.equal(outcome.manifest.status, "loaded", outcome.manifest.error ?? "");
    assert.equal(outcome.manifest.kind, "fx_rates");
    assert.deepEqual([outcome.manifest.rowsLoaded, outcome.manifest.rowsQuarantined], [3, 2]);
    const quarantine = String(await harness.bucket.read(outcome.quarantinePath ?? ""));
    assert.match(quarantine, /column ""currency"": ""US DOLLAR"" is not a three-letter currency code/);
    assert.match(quarantine, /a rate must be a positive number/);
    const rows = await harness.rows<{ date: string; currency: string; rate: string }>(
      "SELECT CAST(date AS VARCHAR) AS date, currency, CAST(rate AS VARCHAR) AS rate FROM raw.fx_rates ORDER BY date, currency",
    );
    assert.deepEqual(
      rows.map((row) => [row.date, row.currency, Number(row.rate)]),
      [
        ["2026-11-19", "USD", 1.0801],
        ["2026-11-20", "GBP", 0.86523],
        ["2026-11-20", "USD", 1.0856],
      ],
    );
  });

  it("the ECB Data Portal's CSV (CURRENCY, CURRENCY_DENOM, TIME_PERIOD, OBS_VALUE) loads as it is; a rate not per euro does not", async () => {
    const outcome = await harness.ingest(
      "ecb-exr.csv",
      [
        "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE",
        "EXR.D.CHF.EUR.SP00.A,D,CHF,EUR,SP00,A,2026-11-18,0.9312",
        "EXR.D.CHF.USD.SP00.A,D,CHF,USD,SP00,A,2026-11-18,0.8577",
        "",
      ].join("\n"),
    );
    assert.equal(outcome.manifest.status, "loaded", outcome.manifest.error ?? "");
    assert.deepEqual([outcome.manifest.rowsLoaded, outcome.manifest.rowsQuarantined], [1, 1]);
    assert.match(
      String(await harness.bucket.read(outcome.quarantinePath ?? "")),
      /rates must be per euro, not per USD/,
    );
    const [chf] = await harness.rows<{ rate: string }>(
      "SELECT CAST(rate AS VARCHAR) AS rate FROM raw.fx_rates WHERE currency = 'CHF'",
    );
    assert.equal(Number(chf?.rate), 0.9312);
  });
});

describe("a USD shop's Meta export billed in EUR, dropped with the rates", () => {
  let warehouse: DuckDbWarehouse;
  let workDir: string;
  const META_HEADER =
    '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name","Day","Impressions","Amount spent (EUR)","Link clicks","Purchases","Purchases conversion value"';
  // RUN_DATE, 21 November 2026, is a Saturday: no reference rate of its own.
  const ADS = [
    { ad: "Video", spend: "124.00", value: "300.45" },
    { ad: "Carousel", spend: "56.78", value: "" },
  ];
  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform(
      "fx-drop",
      {
        "meta-eur.csv": [
          META_HEADER,
          ...ADS.map(
            (row) =>
              `${RUN_DATE},${RUN_DATE},"BF","Broad","${row.ad}",${RUN_DATE},1000,${row.spend},10,${row.value ? 1 : ""},${row.value}`,
          ),
          "",
        ].join("\n"),
        "fx_rates.csv": "date,currency,rate\n2026-11-19,USD,1.0801\n2026-11-20,USD,1.0856\n",
      },
      // Offline: the rates are the file's only, never the ECB's (test/ingest/ecb-rates.test.ts fetches them).
      { PULSE_EXCHANGE_RATES_SOURCE: "files" },
    ));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("counts each ad's euros × Friday's 1.0856 dollars per euro, to the micro, and keeps the euros beside", async () => {
    // In hundredths of a euro × ten-thousandths of a dollar: millionths of a dollar, exact.
    const micros = (euros: string) => BigInt(Math.round(Number(euros) * 100)) * 10_856n;
    const dollars = (euros: string) => Number(micros(euros)) / 1e6;
    const rows = await warehouse.query(
      `SELECT ad_name, spend, currency, account_spend, account_currency, fx_rate FROM unified.ad_performance
       WHERE platform = 'facebook_ads' ORDER BY ad_name`,
      {},
      { label: "fx drop" },
    );
    assert.deepEqual(
      rows.map((row) => [
        row.ad_name,
        Number(row.spend),
        row.currency,
        Number(row.account_spend),
        row.account_currency,
        Number(row.fx_rate),
      ]),
      [...ADS]
        .sort((a, b) => a.ad.localeCompare(b.ad))
        .map((row) => [row.ad, dollars(row.spend), "USD", Number(row.spend), "EUR", 1.0856]),
    );
    const [meta] = await warehouse.query(
      `SELECT spend, missing_sources FROM marts.marketing_daily_channel WHERE date = DATE '${RUN_DATE}' AND channel = 'meta'`,
      {},
      { label: "fx drop mart" },
    );
    assert.equal(Number(meta?.spend), Number(micros("124.00") + micros("56.78")) / 1e6);
    // No Shopify export was dropped, so the day is incomplete; but Meta's day is whole, its spend converted.
    assert.equal(meta?.missing_sources, "shopify");
  });
});
