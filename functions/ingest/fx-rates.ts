// Exchange rates the shop drops in the inbox (fx_rates.csv), for ad accounts that bill in another currency than
// the shop sells in. One row per day and currency: how many units of the currency one euro was worth that day,
// the terms of the ECB's euro foreign exchange reference rates, so that the ECB's own CSV download (the Data
// Portal's EXR series, SDMX-CSV: CURRENCY, CURRENCY_DENOM, TIME_PERIOD, OBS_VALUE columns;
// https://data.ecb.europa.eu/help/api/data) loads as it is, and a rate between two other currencies crosses
// through the euro (sql/staging/stg_fx_rates.sql).
import type { Row } from "../shared/ports.ts";
import { columnReason, type DataRecord, type FormatSpec, type MapOutput } from "./format-spec.ts";
import { cleanCell, parseDate, parseDecimal } from "./parse-values.ts";

const reject = (record: DataRecord, reason: string): MapOutput[] => [
  { type: "reject", records: [record], reason },
];

export const FX_RATES: FormatSpec = {
  kind: "fx_rates",
  label: "Exchange rates (date, currency, rate per euro)",
  table: "fx_rates",
  matches: (header) =>
    (header.hasAll(["date", "currency", "rate"]) && header.size <= 4) ||
    header.hasAll(["CURRENCY", "CURRENCY_DENOM", "TIME_PERIOD", "OBS_VALUE"]),
  required: (header) =>
    header.has("TIME_PERIOD")
      ? header.missing(["CURRENCY", "OBS_VALUE"])
      : header.missing(["date", "currency", "rate"]),
  // A rate of a day and currency dropped again wins in staging (the latest landing): a file never removes others'.
  replacement: "snapshot",
  amountColumns: ["rate", "OBS_VALUE"],
  createMapper(header, context) {
    // Messages name the columns as the file writes them.
    const columns = header.has("TIME_PERIOD")
      ? {
          date: "TIME_PERIOD",
          currency: "CURRENCY",
          rate: "OBS_VALUE",
          denominator: header.pick("CURRENCY_DENOM"),
        }
      : { date: "date", currency: "currency", rate: "rate", denominator: undefined };
    return {
      push(record) {
        const get = (name: string | undefined) => header.cell(record, name);
        const date = parseDate(get(columns.date));
        if (!date.ok) return reject(record, columnReason(columns.date, date));
        if (date.value === null) return reject(record, `column "${columns.date}" is empty`);
        if (date.value > context.latestEventDate)
          return reject(record, `dated ${date.value}, after today: future-dated rows are not loaded`);
        const currency = cleanCell(get(columns.currency)).toUpperCase();
        if (!/^[A-Z]{3}$/.test(currency))
          return reject(
            record,
            `column "${columns.currency}": "${currency}" is not a three-letter currency code`,
          );
        const denominator = cleanCell(get(columns.denominator)).toUpperCase();
        if (denominator && denominator !== "EUR")
          return reject(
            record,
            `column "${columns.denominator}": rates must be per euro, not per ${denominator}`,
          );
        const rate = parseDecimal(get(columns.rate), context.decimal);
        if (!rate.ok) return reject(record, columnReason(columns.rate, rate));
        // The ECB leaves a day's value empty where it set no rate ("NaN" in some downloads): no rate, no row.
        if (rate.value === null || !(Number(rate.value) > 0))
          return reject(record, `column "${columns.rate}": a rate must be a positive number`);
        const row: Row = { date: date.value, currency, rate: rate.value };
        return [{ type: "load", row, eventDate: null, records: [record] }];
      },
      finish: () => [],
    };
  },
};
