// The currencies the ad accounts' raw rows spend in over a window of days, with the days no landed exchange rate
// converts (sql/queries/ingest/ad_account_currencies.sql): ingest asks the ECB for the rates they need, and the
// command line's summary names those a run that skipped ingest left without one.
import { addDays } from "./calendar.ts";
import { adCurrencyDays, queryTemplate } from "./sql/queries.ts";
import { windowParams } from "./run-window.ts";
import type { DateWindow, Warehouse } from "../shared/ports.ts";
import type { StepContext } from "../shared/step.ts";

/** A currency the raw ad rows of a window spend in (ingest/ad_account_currencies). */
export interface AdCurrency {
  currency: string;
  /** The first day spent in it. */
  first_day: string;
  /** The first day whose spend in it no landed rate converts (its own or the shop's), if any. */
  first_day_without_rate: string | null;
  days_without_rate: number;
}

/** The currencies the raw ad rows of `window` spend in, with their days that no landed rate converts. */
export async function adCurrencies(
  context: Pick<StepContext, "message" | "config">,
  warehouse: Warehouse,
  window: DateWindow,
): Promise<AdCurrency[]> {
  const rows = await warehouse.query<AdCurrency>(
    queryTemplate("ingest/ad_account_currencies", { ad_days: adCurrencyDays() }),
    {
      ...windowParams(context, window),
      shop_currency: context.config.shop.currency,
      // The window's ad days, landed from the day before it on: a day's rows are extracted after the day began.
      from_date: window.start,
      landed_since: addDays(window.start, -1),
    },
    { label: "ad account currencies" },
  );
  return rows.map((row) => ({ ...row, days_without_rate: Number(row.days_without_rate) }));
}
