// Ingest's check of the ad days without an exchange rate keeps what it established in the bucket, so that the next
// one reads only the raw ad rows landed since and, of the days found lacking a rate, the rates landed since: the
// queries it sends are bounded on the raw tables' partition column (_airbyte_extracted_at) from its last check, not
// from the start of history. Against DuckDB: a GBP shop whose Meta account bills in dollars, whose September days
// need the dollar's rate and the pound's (a day takes one of its own or of the 7 days before it).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  checkDaysWithoutRate,
  EVERY_LANDING,
  landedSince,
  olderDaysWithoutRate,
  ratesLandedSince,
} from "../../functions/ingest/days-without-rate.ts";
import { DAYS_WITHOUT_RATE_STATE_PATH } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { SqlParams } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { metaAdDay } from "../support/raw-ad-rows.ts";
import { insertRaw, openFixtureWarehouse } from "../support/sql-fixtures.ts";
import { tableReads } from "../support/table-reads.ts";

describe("landedSince and ratesLandedSince: where the check's reads start", () => {
  const state = { shopCurrency: "EUR", checkedAt: "2026-11-22T07:00:00.000Z", withoutRate: [] };

  it("a first check reads every landing; a later one from the late-landing hours before the last began", () => {
    assert.equal(landedSince(undefined, "EUR", 24), EVERY_LANDING);
    assert.equal(landedSince(state, "EUR", 24), "2026-11-21T07:00:00.000Z");
    assert.equal(landedSince(state, "EUR", 0), "2026-11-22T07:00:00.000Z");
    // Kept for another shop currency: the rates a day needs changed, so all history is looked at again.
    assert.equal(landedSince(state, "GBP", 24), EVERY_LANDING);
  });

  it("rates from the day before the week of the first day landed since, or from the rows' start if later", () => {
    const since = "2026-11-21T07:00:00.000Z";
    // 14 November may take the rate of the 7th, landed after the 7th began: from the 6th.
    assert.equal(
      ratesLandedSince(since, [
        { currency: "USD", first_day: "2026-11-20", last_day: "2026-11-21" },
        { currency: "USD", first_day: "2026-11-14", last_day: "2026-11-15" },
      ]),
      "2026-11-06T00:00:00.000Z",
    );
    // No row landed since: only the rates the days found lacking one may have gained since.
    assert.equal(ratesLandedSince(since, []), since);
  });
});

describe("olderDaysWithoutRate: per currency, the days before the window lacking a rate", () => {
  it("counts a day lacking both rates once, and leaves out the window's days", () => {
    assert.deepEqual(
      olderDaysWithoutRate(
        [
          { currency: "USD", needs: "GBP", first_day: "2026-09-14", last_day: "2026-09-16" },
          { currency: "USD", needs: "USD", first_day: "2026-09-15", last_day: "2026-09-15" },
          { currency: "USD", needs: "USD", first_day: "2026-11-12", last_day: "2026-11-15" },
          { currency: "ARS", needs: "ARS", first_day: "2026-11-14", last_day: "2026-11-21" },
        ],
        "2026-11-14",
      ),
      // USD: 14, 15, 16 September and 12, 13 November (the 14th and 15th are the window's); ARS: none before it.
      [{ currency: "USD", first_day_without_rate: "2026-09-14", days_without_rate: 5 }],
    );
  });
});

/** A query the check sent: its label, text and parameters. */
interface Sent {
  label: string;
  sql: string;
  params: SqlParams;
}

describe("checkDaysWithoutRate against DuckDB: what it reads, finds and keeps", () => {
  const dollarDays = (days: string[], extractedAt?: string) =>
    days.map((day) => ({
      ...metaAdDay({
        day,
        spend: 10_000_000n,
        value: 0n,
        currency: "USD",
        campaign: "US",
        account: "act_1",
        ad: "a1",
      }),
      ...(extractedAt ? { _airbyte_extracted_at: extractedAt, _airbyte_raw_id: `late-${day}` } : {}),
    }));
  const rate = (date: string, currency: string, value: string, extractedAt: string) => ({
    date,
    currency,
    rate: value,
    _airbyte_raw_id: `${date}-${currency}-${extractedAt}`,
    _airbyte_extracted_at: extractedAt,
  });

  let dir: string;
  let warehouse: DuckDbWarehouse;
  let bucket: FolderBucket;
  const sent: Sent[] = [];

  /** One check of a GBP shop's ingest at `now`, the queries it sent recorded. */
  async function check(now: string) {
    const recording = new Proxy(warehouse, {
      get(target, property) {
        if (property === "query")
          return (sql: string, params: SqlParams, options: { label: string }) => {
            sent.push({ label: options.label, sql, params });
            return target.query(sql, params, options);
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const config = loadConfig({
      env: {
        PULSE_SETTINGS: JSON.stringify({ version: 1, shop: { currency: "GBP", timezone: "Europe/London" } }),
      },
      cwd: dir,
    });
    const context = {
      step: "ingest",
      message: parseRunMessage({ runDate: "2026-11-21", runId: "rates", trigger: "manual" }),
      config,
      ports: { warehouse: recording, bucket, clock: { now: () => new Date(now) } },
      log: silentLogger(),
    } as unknown as StepContext;
    sent.length = 0;
    return checkDaysWithoutRate(context);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-rate-check-"));
    bucket = new FolderBucket(join(dir, "bucket"));
    warehouse = await openFixtureWarehouse();
    // Meta's dollars on 14 and 15 September (landed on each day's evening) and on 20 November.
    await insertRaw(
      warehouse,
      "facebook_ads_insights",
      dollarDays(["2026-09-14", "2026-09-15", "2026-11-20"]),
    );
    // The pound's rates of both September days and the dollar's of November, landed long ago; no September dollar.
    await insertRaw(warehouse, "fx_rates", [
      rate("2026-09-14", "GBP", "0.8660", "2026-09-16T16:00:00Z"),
      rate("2026-09-15", "GBP", "0.8671", "2026-09-16T16:00:00Z"),
      rate("2026-11-20", "GBP", "0.8652", "2026-11-20T16:00:00Z"),
      rate("2026-11-20", "USD", "1.0856", "2026-11-20T16:00:00Z"),
    ]);
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a first check reads all history and keeps the September days lacking the dollar's rate", async () => {
    const first = await check("2026-11-22T06:00:00Z");
    assert.equal(first.landedSince, EVERY_LANDING);
    const expected = [{ currency: "USD", needs: "USD", first_day: "2026-09-14", last_day: "2026-09-15" }];
    assert.deepEqual(first.lacking, expected);
    const kept = JSON.parse((await bucket.read(DAYS_WITHOUT_RATE_STATE_PATH))?.toString("utf8") ?? "{}");
    assert.deepEqual(kept, {
      shopCurrency: "GBP",
      checkedAt: "2026-11-22T06:00:00.000Z",
      withoutRate: expected,
    });
  });

  it("the next check reads the raw tables from the day before it began, and finds the same days", async () => {
    const next = await check("2026-11-23T06:00:00Z");
    // 24 hours (lateLandingHours) before the last check began at 06:00 on the 22nd.
    assert.equal(next.landedSince, "2026-11-21T06:00:00.000Z");
    const rows = sent.find((query) => query.label === "ad days landed since the last rate check");
    assert.equal(rows?.params.landed_since, "2026-11-21T06:00:00.000Z");
    // Every raw table either query reads is bounded on its partition column by a parameter…
    for (const query of sent) {
      for (const read of tableReads(query.sql)) {
        assert.equal(read.partitionColumn, "_airbyte_extracted_at", `${query.label}: ${read.table}`);
        assert.equal(read.reach, "window", `${query.label}: ${read.table}`);
      }
    }
    // …set from the last check: no ad row landed since (20 November's was extracted that evening, before the
    // bound), so the rates are read from the same bound, for the days it found lacking.
    const rates = sent.find((query) => query.label === "ad days without an exchange rate");
    assert.equal(rates?.params.rates_landed_since, "2026-11-21T06:00:00.000Z");
    assert.deepEqual(next.lacking, [
      { currency: "USD", needs: "USD", first_day: "2026-09-14", last_day: "2026-09-15" },
    ]);
  });

  it("a dollar rate landed since converts the days it reaches, the pound's landed long ago still counting", async () => {
    // The 15th's dollar rate lands: the 15th has both rates now (the pound's landed in September); the 14th cannot
    // take a later day's rate and still lacks the dollar's.
    await insertRaw(warehouse, "fx_rates", [rate("2026-09-15", "USD", "1.1745", "2026-11-23T09:00:00Z")]);
    const after = await check("2026-11-24T06:00:00Z");
    assert.equal(after.landedSince, "2026-11-22T06:00:00.000Z");
    assert.deepEqual(after.lacking, [
      { currency: "USD", needs: "USD", first_day: "2026-09-14", last_day: "2026-09-14" },
    ]);
  });

  it("a late Meta export of an older day landed since is read, and its rates looked for from its week", async () => {
    // 1 August, exported late: neither its dollar rate nor its pound one ever landed.
    await insertRaw(warehouse, "facebook_ads_insights", dollarDays(["2026-08-01"], "2026-11-24T09:00:00Z"));
    const late = await check("2026-11-25T06:00:00Z");
    const rates = sent.find((query) => query.label === "ad days without an exchange rate");
    // The week before 1 August (the rates it may take), each landed after its day began.
    assert.equal(rates?.params.rates_landed_since, "2026-07-24T00:00:00.000Z");
    assert.deepEqual(late.lacking, [
      { currency: "USD", needs: "GBP", first_day: "2026-08-01", last_day: "2026-08-01" },
      { currency: "USD", needs: "USD", first_day: "2026-08-01", last_day: "2026-08-01" },
      { currency: "USD", needs: "USD", first_day: "2026-09-14", last_day: "2026-09-14" },
    ]);
  });

  it("an unreadable state is set aside and the check reads all history again, finding every day lacking one", async () => {
    await bucket.write(DAYS_WITHOUT_RATE_STATE_PATH, '{"shopCurrency": "GBP", "checkedAt": "torn');
    const again = await check("2026-11-26T06:00:00Z");
    assert.equal(again.landedSince, EVERY_LANDING);
    assert.deepEqual(again.lacking, [
      { currency: "USD", needs: "GBP", first_day: "2026-08-01", last_day: "2026-08-01" },
      { currency: "USD", needs: "USD", first_day: "2026-08-01", last_day: "2026-08-01" },
      { currency: "USD", needs: "USD", first_day: "2026-09-14", last_day: "2026-09-14" },
    ]);
    const setAside = (await bucket.list("state/")).filter((path) => path.includes(".corrupt-"));
    assert.equal(setAside.length, 1);
  });
});
