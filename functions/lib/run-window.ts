// The run window: the days a daily run rebuilds and checks, [run date − lookback days, run date], and the query
// parameters that name it. Transform builds its models over it; check-quality audits it; the CLI plans it.
import { addDays } from "./calendar.ts";
import type { DateWindow, SqlParams } from "../shared/ports.ts";
import type { StepContext } from "../shared/step.ts";

/** Far enough back to hold any shop's history; partitions before the data simply do not exist. */
export const HISTORY_START = "2000-01-01";

export function runWindow(runDate: string, lookbackDays: number): DateWindow {
  return { start: addDays(runDate, -lookbackDays), end: runDate };
}

/**
 * The days the transform builds: the run window, through the newest run date already built when that is later.
 * A run for an older date (a backfill, a report on another day) rebuilds months, cohorts and whole tables; built
 * only to its own date, they would lose the days after it, which the next daily run's window never brings back
 * (October's monthly marts cut at the 20th for good by a run for 20 October made after one for 7 November).
 */
export function buildWindow(runDate: string, lookbackDays: number, newestBuilt?: string): DateWindow {
  const window = runWindow(runDate, lookbackDays);
  return newestBuilt !== undefined && newestBuilt > runDate ? { ...window, end: newestBuilt } : window;
}

/** The parameters every windowed query reads: the run date, the window and the shop's time zone. */
export function windowParams(
  context: Pick<StepContext, "message" | "config">,
  window: DateWindow,
): SqlParams {
  return {
    run_date: context.message.runDate,
    window_start: window.start,
    window_end: window.end,
    shop_timezone: context.config.shop.timezone,
  };
}
