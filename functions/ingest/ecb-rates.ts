// The exchange rates a run needs, fetched from the ECB Data Portal: ad accounts that bill in another currency than
// the shop's are converted at the euro reference rates (sql/staging/stg_fx_rates.sql), and in the cloud nobody
// drops an fx_rates.csv every morning. The Data Portal's data resource answers the EXR dataflow's daily series
// of several currencies at once, as SDMX-CSV (format=csvdata), without a key:
//   GET https://data-api.ecb.europa.eu/service/data/EXR/D.USD+GBP.EUR.SP00.A?startPeriod=…&endPeriod=…&format=csvdata
// (https://data.ecb.europa.eu/help/api/data, https://data.ecb.europa.eu/help/data-examples), and 404 "No results
// found" when no rate falls in the period (https://data.ecb.europa.eu/help/api/status-codes): a weekend, a holiday.
// The answer is the CSV the Data Portal downloads, so it is read and mapped as a dropped one is (FX_RATES).
import { randomUUID } from "node:crypto";
import { addDays, localDate } from "../lib/calendar.ts";
import { type AdCurrency, adCurrencies } from "../lib/ad-currencies.ts";
import { builtHistorySettings } from "../lib/history-settings.ts";
import { retryPolicy } from "../lib/platform-apis/credentials.ts";
import { type ApiIo, sendWithRetry } from "../lib/platform-apis/http.ts";
import { HISTORY_START, runWindow } from "../lib/run-window.ts";
import { readQuery } from "../lib/sql/queries.ts";
import { lastWatermark } from "../lib/warehouse-state.ts";
import type { Finding } from "../shared/findings.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { DateWindow, Row } from "../shared/ports.ts";
import type { StepContext } from "../shared/step.ts";
import { connectorDeadline } from "./connectors/run.ts";
import { airbyteColumns, fullRow, landRows } from "./connectors/landing.ts";
import { Columns, type MapContext } from "./format-spec.ts";
import { FX_RATES } from "./fx-rates.ts";
import { openRecords } from "./records.ts";
import { checkDaysWithoutRate, olderDaysWithoutRate, RATE_FALLBACK_DAYS } from "./days-without-rate.ts";

export { RATE_FALLBACK_DAYS } from "./days-without-rate.ts";

/** In the rows' _airbyte_meta.kind, beside source "api": rates the run fetched, not a dropped file's. */
export const ECB_RATES_KIND = "ecb_exr";

/**
 * The currencies whose rates per euro convert the accounts' spend: each account currency other than the shop's,
 * and the shop's own when it is not the euro (an amount crosses through the euro). None when every account bills
 * in the shop's currency; the euro is never asked for (its rate is 1).
 */
export function currenciesToFetch(accountCurrencies: readonly string[], shopCurrency: string): string[] {
  const foreign = accountCurrencies.filter((currency) => currency !== shopCurrency);
  if (foreign.length === 0) return [];
  return [...new Set([...foreign, shopCurrency])]
    .filter((currency) => currency !== "EUR" && /^[A-Z]{3}$/.test(currency))
    .sort();
}

/** The Data Portal's request for the daily reference rates of `currencies` (per euro) over a period. */
export function ecbRatesUrl(
  baseUrl: string,
  currencies: readonly string[],
  period: { start: string; end: string },
): string {
  const base = baseUrl.replace(/\/+$/, "");
  return `${base}/D.${currencies.join("+")}.EUR.SP00.A?startPeriod=${period.start}&endPeriod=${period.end}&format=csvdata`;
}

/**
 * Pure: the first day of the rates a run fetches. A daily run's transform converts the spend of its window, whose
 * first days may take a rate up to RATE_FALLBACK_DAYS older; a transform that rebuilds all history (a first build,
 * --full-refresh) converts every ad day, so it starts that much before the first day spent in a currency that
 * needs a rate (`firstSpendDay`), when that is before the window. One request covers the whole period.
 */
export function ratesPeriodStart(windowStart: string, firstSpendDay: string | undefined): string {
  const first = firstSpendDay !== undefined && firstSpendDay < windowStart ? firstSpendDay : windowStart;
  return addDays(first, -RATE_FALLBACK_DAYS);
}

/** A rate as raw.fx_rates' NUMERIC holds it: billionths, rounded half away from zero (9 decimal places). */
function rateNanos(rate: string): bigint | null {
  const match = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(rate);
  if (!match || (match[2] === "" && !match[3])) return null;
  const fraction = (match[3] ?? "").padEnd(10, "0");
  const tenths = BigInt(`${match[2] || "0"}${fraction.slice(0, 10)}`);
  const nanos = (tenths + 5n) / 10n;
  return match[1] === "-" ? -nanos : nanos;
}

/**
 * Pure: the fetched rates to land, those whose day and currency have no landed rate yet or whose newest landed rate
 * (`landed`, as staging takes it) is another, the ECB's correction of a day: the same rates fetched again every
 * morning land nothing, so raw.fx_rates does not grow with each run, and a corrected one lands and rebuilds its days
 * (transform/changed_days). Rates are compared as raw.fx_rates' NUMERIC holds them.
 */
export function ratesToLand(
  fetched: readonly Row[],
  landed: readonly { date: string; currency: string; rate: string }[],
): Row[] {
  const key = (date: unknown, currency: unknown) => `${String(date)}|${String(currency)}`;
  const newest = new Map(landed.map((row) => [key(row.date, row.currency), rateNanos(row.rate)]));
  return fetched.filter((row) => {
    const before = newest.get(key(row.date, row.currency));
    return before === undefined || before === null || before !== rateNanos(String(row.rate));
  });
}

export interface MappedRates {
  rows: Row[];
  rejected: { line: number; reason: string }[];
}

/** The answer's CSV mapped by FX_RATES, as a dropped file's would be; a header it does not know throws. */
export async function mapRatesCsv(body: Uint8Array, context: MapContext): Promise<MappedRates> {
  const opened = await openRecords(
    (async function* () {
      yield body;
    })(),
  );
  const result: MappedRates = { rows: [], rejected: [] };
  let header: Columns | undefined;
  let mapper: ReturnType<typeof FX_RATES.createMapper> | undefined;
  for await (const record of opened.records) {
    if (!header || !mapper) {
      header = new Columns(record.cells);
      const missing = FX_RATES.required(header);
      if (!FX_RATES.matches(header) || missing.length > 0)
        throw new Error(
          `the answer is not the ECB's rates CSV (header ${record.cells.slice(0, 8).join(",")}${missing.length ? `; missing ${missing.join(", ")}` : ""})`,
        );
      mapper = FX_RATES.createMapper(header, context);
      continue;
    }
    if (record.cells.every((cell) => cell.trim() === "")) continue;
    for (const output of mapper.push(record)) {
      if (output.type === "load") result.rows.push(output.row);
      else result.rejected.push({ line: record.line, reason: output.reason });
    }
  }
  if (!header) throw new Error("the answer has no header");
  return result;
}

export interface RatesFetch {
  findings: Finding[];
  metrics: Record<string, number>;
  /** One clause for the step's summary, empty when nothing was asked. */
  summary: string;
}

function fetchFailed(currencies: readonly string[], url: string, problem: string): Finding {
  const named = currencies.join(", ");
  return {
    step: "ingest",
    check: "exchange_rates_fetch_failed",
    severity: "warning",
    blocking: false,
    subject: named,
    table: "fx_rates",
    observed: null,
    expected: "the ECB Data Portal's euro reference rates",
    message: `The euro reference rates of ${named} could not be fetched from ${url}: ${problem}. Ad spend in those currencies on days without a rate is left out of the figures (exchange_rate_missing); the next run asks again, or drop an fx_rates.csv (date,currency,rate per euro) in the inbox.`,
  };
}

/**
 * Whether the run's transform will convert every ad day, as it decides (transform/step.ts): on --full-refresh,
 * before any saved transform, and when the shop's currency or time zone differs from the one the tables were
 * built with. The transform rebuilds all history for reasons ingest cannot see as well (a new PII key, which is
 * transform's alone, a new channel list, a model whose columns changed): the rates those rebuilds lack are fetched
 * by the check of older days (olderRatesRequest), which does not depend on why days are rebuilt.
 */
async function rebuildsAllHistory(context: StepContext): Promise<boolean> {
  if (context.message.options.fullRefresh) return true;
  const { warehouse } = context.ports;
  const opsTables = (await warehouse.listTables(DATASETS.ops)).map((table) => table.name);
  if ((await lastWatermark(warehouse, opsTables)) === null) return true;
  const built = await builtHistorySettings(warehouse, opsTables);
  const { shop } = context.config;
  const changed = (setting: string, now: string) => built[setting] !== undefined && built[setting] !== now;
  return changed("shop_currency", shop.currency) || changed("shop_timezone", shop.timezone);
}

/**
 * Pure: the request for the rates of the ad days before the window that have none (`older`, from the check of
 * days-without-rate.ts), made once the window's request has been answered (`answered`: the currencies its answer
 * held; `windowPeriodStart`: the first day it asked for), or null. The rule is about the data, not about why days
 * are rebuilt: every ad day spent in a currency that needs a rate has one landed, else the rates are asked from the
 * week before the oldest day lacking one. The transform
 * rebuilds older days for reasons ingest cannot see or should not mirror (a new PII key, whose fingerprint only the
 * key's reader can compute; a new channel list; a model whose columns changed; a late ad export of past days; a
 * first run whose fetch failed), and a check of the data is right for all of them; when no rate is missing it asks
 * nothing. A rate that landed converts its days on the next transform (transform/changed_days), which a full
 * rebuild would too. Only currencies the ECB answered for now are asked (with the shop's, both sides of a
 * conversion): one it does not quote (an fx_rates.csv's to drop) or no longer quotes would otherwise send a request
 * for years of rates every morning. A day the ECB has no rate for within a week is still asked each run.
 */
export function olderRatesRequest(
  older: readonly Pick<AdCurrency, "currency" | "first_day_without_rate">[],
  shopCurrency: string,
  answered: ReadonlySet<string>,
  windowPeriodStart: string,
): { currencies: string[]; period: DateWindow } | null {
  const quoted = (currency: string) =>
    [currency, shopCurrency].every((side) => side === "EUR" || answered.has(side));
  const lacking = older.filter(
    (row) => row.currency !== shopCurrency && row.first_day_without_rate !== null && quoted(row.currency),
  );
  const currencies = currenciesToFetch(
    lacking.map((row) => row.currency),
    shopCurrency,
  );
  const first = lacking.map((row) => row.first_day_without_rate as string).sort()[0];
  if (currencies.length === 0 || first === undefined) return null;
  const start = addDays(first, -RATE_FALLBACK_DAYS);
  const end = addDays(windowPeriodStart, -1);
  return start <= end ? { currencies, period: { start, end } } : null;
}

/** What one request to the Data Portal gave and what of it landed. */
interface RatesLanded {
  fetched: number;
  landed: number;
  rejected: { line: number; reason: string }[];
  /** The currencies the answer held a rate of. */
  answered: Set<string>;
}

/** Asks the Data Portal for `url` (the rates of a period) and lands those new or other than landed (ratesToLand). */
async function fetchAndLand(
  context: StepContext,
  io: ApiIo,
  url: string,
  period: DateWindow,
  what: string,
): Promise<RatesLanded> {
  const { config } = context;
  const { warehouse, clock } = context.ports;
  const { response } = await sendWithRetry(
    "exchange_rates",
    io,
    retryPolicy(config.connectors, connectorDeadline(context, io)),
    url,
    { method: "GET", headers: { accept: "text/csv" } },
    what,
  );
  // 404: no rate in the period (the status codes page above); nothing to land, nothing wrong.
  if (response.status !== 404 && !response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  const body = response.status === 404 ? new Uint8Array() : new Uint8Array(await response.arrayBuffer());
  const extractedAt = clock.now().toISOString();
  const mapped =
    body.length === 0
      ? { rows: [], rejected: [] }
      : await mapRatesCsv(body, {
          sha256: "",
          ingestedAt: extractedAt,
          latestEventDate: addDays(localDate(clock.now(), config.shop.timezone), 1),
          shopTimezone: config.shop.timezone,
          shopCurrency: config.shop.currency,
          preamble: [],
          decimal: ".",
        });
  const landed = mapped.rows.length
    ? await warehouse.query<{ date: string; currency: string; rate: string }>(
        readQuery("ingest/landed_fx_rates"),
        { period_start_date: period.start, period_end_date: period.end },
        { label: "landed exchange rates" },
      )
    : [];
  const pull = { extractedAt, runId: context.message.runId, pullId: randomUUID() };
  const rows = ratesToLand(mapped.rows, landed).map((row) =>
    fullRow("fx_rates", {
      ...row,
      ...airbyteColumns(pull, `ecb:${pull.pullId}:${String(row.date)}:${String(row.currency)}`, {
        kind: ECB_RATES_KIND,
      }),
    }),
  );
  await landRows(warehouse, "fx_rates", rows);
  return {
    fetched: mapped.rows.length,
    landed: rows.length,
    rejected: mapped.rejected,
    answered: new Set(mapped.rows.map((row) => String(row.currency))),
  };
}

/** The finding for an answer some of whose rows are no rate, if any. */
function rejectedRows(currencies: readonly string[], url: string, result: RatesLanded): Finding[] {
  const first = result.rejected[0];
  if (!first) return [];
  return [
    fetchFailed(
      currencies,
      url,
      `${result.rejected.length} of its rows are no rate per euro (line ${first.line}: ${first.reason}), the other ${result.landed} landed`,
    ),
  ];
}

/**
 * Fetches and lands in raw.fx_rates the rates the run's transform needs: those of the currencies the ad accounts'
 * raw rows of the run window are in (currenciesToFetch), over the window and the RATE_FALLBACK_DAYS before it; on
 * a first build, a --full-refresh or a changed shop currency or time zone, which convert every ad day, those of
 * every ad row's currency from the first day spent in one (ratesPeriodStart). Otherwise, once the window's rates
 * are in, the older ad days that still have no rate are asked for in a second request (olderRatesRequest). Only
 * the rates new or other than those landed land (ratesToLand). No such currency (a single-currency shop), or
 * exchangeRates.source "files": no request. A failed fetch is a warning finding, and the rest of ingest goes on.
 */
export async function fetchExchangeRates(context: StepContext, io: ApiIo): Promise<RatesFetch> {
  const none: RatesFetch = { findings: [], metrics: {}, summary: "" };
  const { config } = context;
  if (config.exchangeRates.source !== "ecb") return none;
  const { warehouse } = context.ports;
  const window = runWindow(context.message.runDate, config.lookbackDays);
  const allHistory = await rebuildsAllHistory(context);
  const accounts = await adCurrencies(
    context,
    warehouse,
    allHistory ? { start: HISTORY_START, end: window.end } : window,
  );
  const currencies = currenciesToFetch(
    accounts.map((account) => account.currency),
    config.shop.currency,
  );
  if (currencies.length === 0) return none;
  const firstSpendDay = accounts
    .filter((account) => account.currency !== config.shop.currency)
    .map((account) => account.first_day)
    .sort()[0];
  const period = { start: ratesPeriodStart(window.start, firstSpendDay), end: window.end };
  const url = ecbRatesUrl(config.exchangeRates.baseUrl, currencies, period);
  const log = context.log.child({ exchangeRates: currencies.join("+") });
  let result: RatesLanded;
  try {
    result = await fetchAndLand(
      context,
      io,
      url,
      period,
      `GET ECB rates ${currencies.join("+")} ${period.start}..${period.end}`,
    );
  } catch (error) {
    const problem = (error as Error).message;
    log.warn("exchange rates not fetched", { url, error: problem });
    return {
      findings: [fetchFailed(currencies, url, problem)],
      metrics: { "exchangeRates.failed": 1 },
      summary: `exchange rates: ${currencies.join(", ")} failed`,
    };
  }
  log.info("exchange rates fetched", {
    url,
    rows: result.fetched,
    landed: result.landed,
    rejected: result.rejected.length,
  });
  const fetched: RatesFetch = {
    findings: rejectedRows(currencies, url, result),
    metrics: { "exchangeRates.rowsFetched": result.fetched, "exchangeRates.rowsLanded": result.landed },
    summary: `exchange rates: ${result.landed} new of ${result.fetched} fetched for ${currencies.join(", ")}`,
  };
  if (allHistory) return fetched;
  return withOlderRates(context, io, fetched, result.answered, period.start);
}

/**
 * `fetched`, with the rates of the ad days before the window that have none fetched too (olderRatesRequest). Which
 * days have none is checked from the raw ad rows landed since the last check and the days it found lacking
 * (checkDaysWithoutRate), not from every ad row of history: a daily run's reads do not grow with the shop's age.
 */
async function withOlderRates(
  context: StepContext,
  io: ApiIo,
  fetched: RatesFetch,
  answered: ReadonlySet<string>,
  windowPeriodStart: string,
): Promise<RatesFetch> {
  const { config } = context;
  const window = runWindow(context.message.runDate, config.lookbackDays);
  const check = await checkDaysWithoutRate(context);
  const older = olderDaysWithoutRate(check.lacking, window.start);
  const request = olderRatesRequest(older, config.shop.currency, answered, windowPeriodStart);
  if (!request) return fetched;
  const { currencies, period } = request;
  const url = ecbRatesUrl(config.exchangeRates.baseUrl, currencies, period);
  const log = context.log.child({ exchangeRates: currencies.join("+") });
  const days = older
    .filter((row) => currencies.includes(row.currency))
    .reduce((sum, row) => sum + row.days_without_rate, 0);
  try {
    const result = await fetchAndLand(
      context,
      io,
      url,
      period,
      `GET ECB rates of older days ${currencies.join("+")} ${period.start}..${period.end}`,
    );
    log.info("exchange rates of older ad days without one fetched", {
      url,
      days,
      adRowsLandedSince: check.landedSince,
      rows: result.fetched,
      landed: result.landed,
      rejected: result.rejected.length,
    });
    return {
      findings: [...fetched.findings, ...rejectedRows(currencies, url, result)],
      metrics: {
        ...fetched.metrics,
        "exchangeRates.olderDaysWithoutRate": days,
        "exchangeRates.olderRowsFetched": result.fetched,
        "exchangeRates.olderRowsLanded": result.landed,
      },
      summary: `${fetched.summary}, and ${result.landed} new of ${result.fetched} for ${days} older ad day${days === 1 ? "" : "s"} without one (${currencies.join(", ")} from ${period.start})`,
    };
  } catch (error) {
    const problem = (error as Error).message;
    log.warn("exchange rates of older ad days not fetched", { url, days, error: problem });
    return {
      findings: [...fetched.findings, fetchFailed(currencies, url, problem)],
      metrics: { ...fetched.metrics, "exchangeRates.olderDaysWithoutRate": days, "exchangeRates.failed": 1 },
      summary: `${fetched.summary}; those of ${days} older ad day${days === 1 ? "" : "s"} failed`,
    };
  }
}
