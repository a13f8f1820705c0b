// Ingest's check of the ad days that no landed exchange rate converts, without reading every ad row of history each
// morning. Older days can lack a rate after a rebuild ingest did not see (a late export of older days, a first fetch
// that failed, a new PII key or channel list that rebuilds history), so every daily run asks which do. What the last
// check established is kept in the bucket (DAYS_WITHOUT_RATE_STATE_PATH): when it began and the days it found
// without a rate. A day needs a rate only once ad rows of it land, and gains one only once a rate lands (raw.fx_rates
// keeps every rate: a rates file is a snapshot, replacing none), so the next check reads only what landed since:
// the raw ad rows extracted since the last check began
// (sql/queries/ingest/ad_days_landed_since.sql, less the hours a sync may land rows behind: lateLandingHours), and
// of the days the last check found without a rate, the rates landed since (ad_days_without_rate.sql). Both reads
// prune on the raw tables' partition column, so a daily run's bytes follow what landed, not the shop's age. A first
// check (no state yet, or kept for another shop currency, which changes the rates a day needs) reads all history once.
import { z } from "zod";
import { addDays, isIsoDate } from "../lib/calendar.ts";
import { DAYS_WITHOUT_RATE_STATE_PATH } from "../lib/bucket-layout.ts";
import { HISTORY_START } from "../lib/run-window.ts";
import { adCurrencyDays, queryTemplate, readQuery } from "../lib/sql/queries.ts";
import { describeCorrupt, readStateFile } from "../shared/state-file.ts";
import type { StepContext } from "../shared/step.ts";

/** stg_fx_rates lets a day without a rate take one up to this many days older: the run fetches them too. */
export const RATE_FALLBACK_DAYS = 7;

/** Before any raw row: where a first check reads from. */
export const EVERY_LANDING = "1970-01-01T00:00:00.000Z";

/** Consecutive days of ad spend in `currency` (first and last included). */
export interface DayRange {
  currency: string;
  first_day: string;
  last_day: string;
}

/** Consecutive days of ad spend in `currency` that lack the rate per euro of `needs` (the currency's or the shop's). */
export interface LackingRange extends DayRange {
  needs: string;
}

/** What a check established, as the bucket keeps it. */
export interface DaysWithoutRateState {
  /** The shop's currency it checked for: a day in another currency needs the shop's rate too. */
  shopCurrency: string;
  /** When it began (an ISO instant): the raw rows it read had landed by then. */
  checkedAt: string;
  /** The days of ad spend it found without a rate, before that run's fetch of older days. */
  withoutRate: LackingRange[];
}

const isoDay = z.string().refine(isIsoDate, "not a YYYY-MM-DD day");
const StateSchema = z.object({
  shopCurrency: z.string(),
  checkedAt: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not an instant"),
  withoutRate: z.array(
    z.object({ currency: z.string(), needs: z.string(), first_day: isoDay, last_day: isoDay }),
  ),
});

/** Why a parsed state file is not a state, for readStateFile; undefined when it is. */
function stateProblem(value: unknown): string | undefined {
  const parsed = StateSchema.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues.map((issue) => issue.message).join("; ");
}

/**
 * Pure: the extraction time the check reads raw ad rows from: everything on a first check (no state, or one kept for
 * another shop currency), else `lateLandingHours` before the last check began, for the rows a sync extracted before
 * it but landed after (batches out of order, as the transform's watermark allows for too).
 */
export function landedSince(
  state: DaysWithoutRateState | undefined,
  shopCurrency: string,
  lateLandingHours: number,
): string {
  if (!state || state.shopCurrency !== shopCurrency) return EVERY_LANDING;
  const since = Date.parse(state.checkedAt) - lateLandingHours * 3_600_000;
  return new Date(Math.max(since, Date.parse(EVERY_LANDING))).toISOString();
}

/**
 * Pure: the extraction time the check reads rates from. The days of rows landed since (`landedDays`) take a rate of
 * their own day or the RATE_FALLBACK_DAYS before it, each landed after its day began: from the day before the first
 * one's oldest. The days the last check found lacking a rate had none landed before it began: from `since`.
 */
export function ratesLandedSince(since: string, landedDays: readonly DayRange[]): string {
  const first = landedDays.map((range) => range.first_day).sort()[0];
  if (first === undefined) return since;
  const fromDays = `${addDays(first, -RATE_FALLBACK_DAYS - 1)}T00:00:00.000Z`;
  return Date.parse(fromDays) < Date.parse(since) ? fromDays : since;
}

/** A currency's days without a rate before a day, as olderRatesRequest reads them. */
export interface OlderDaysWithoutRate {
  currency: string;
  /** The first of them. */
  first_day_without_rate: string;
  /** How many (a day lacking both its currency's rate and the shop's counts once). */
  days_without_rate: number;
}

/** Pure: per currency, the days of `lacking` before `before` (the run window's first day), oldest first. */
export function olderDaysWithoutRate(
  lacking: readonly LackingRange[],
  before: string,
): OlderDaysWithoutRate[] {
  const days = new Map<string, Set<string>>();
  for (const range of lacking) {
    const set = days.get(range.currency) ?? new Set<string>();
    days.set(range.currency, set);
    for (let day = range.first_day; day <= range.last_day && day < before; day = addDays(day, 1))
      set.add(day);
  }
  return [...days]
    .filter(([, set]) => set.size > 0)
    .map(([currency, set]) => ({
      currency,
      first_day_without_rate: [...set].sort()[0] as string,
      days_without_rate: set.size,
    }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

/** The last check's state, or undefined before the first one (an unreadable one is set aside, and said so). */
async function readState(context: StepContext): Promise<DaysWithoutRateState | undefined> {
  const read = await readStateFile<DaysWithoutRateState>(
    context.ports.bucket,
    DAYS_WITHOUT_RATE_STATE_PATH,
    stateProblem,
  );
  if (read.corrupt)
    context.log.error(describeCorrupt(read.corrupt), { event: "state.corrupt", ...read.corrupt });
  return read.value;
}

export interface DaysWithoutRateCheck {
  /** The days of ad spend without a rate, of any day (the run window's too). */
  lacking: LackingRange[];
  /** The extraction time the raw ad rows were read from (EVERY_LANDING on a first check). */
  landedSince: string;
}

/**
 * The days of ad spend in another currency than the shop's that no landed rate converts: of the raw ad rows landed
 * since the last check, and of the days it found without one. Kept in the bucket for the next check, before the
 * caller fetches their rates: a day whose fetch fails is looked at, and asked for, again the next run.
 */
export async function checkDaysWithoutRate(context: StepContext): Promise<DaysWithoutRateCheck> {
  const { config } = context;
  const { warehouse, bucket, clock } = context.ports;
  const checkedAt = clock.now().toISOString();
  const state = await readState(context);
  const since = landedSince(state, config.shop.currency, config.lateLandingHours);
  const known = since === EVERY_LANDING ? [] : (state?.withoutRate ?? []);
  const landed = await warehouse.query<DayRange>(
    queryTemplate("ingest/ad_days_landed_since", { ad_days: adCurrencyDays() }),
    { landed_since: since, shop_currency: config.shop.currency, from_date: HISTORY_START },
    { label: "ad days landed since the last rate check" },
  );
  const days: (DayRange | LackingRange)[] = [...landed, ...known];
  const lacking =
    days.length === 0
      ? []
      : await warehouse.query<LackingRange>(
          readQuery("ingest/ad_days_without_rate"),
          {
            ad_days: JSON.stringify(
              days.map((range) => ({
                currency: range.currency,
                ...("needs" in range ? { needs: range.needs } : {}),
                first_day: range.first_day,
                last_day: range.last_day,
              })),
            ),
            rates_landed_since: ratesLandedSince(since, landed),
            shop_currency: config.shop.currency,
          },
          { label: "ad days without an exchange rate" },
        );
  const next: DaysWithoutRateState = {
    shopCurrency: config.shop.currency,
    checkedAt,
    withoutRate: lacking.map((range) => ({
      currency: range.currency,
      needs: range.needs,
      first_day: range.first_day,
      last_day: range.last_day,
    })),
  };
  await bucket.write(DAYS_WITHOUT_RATE_STATE_PATH, `${JSON.stringify(next, null, 2)}\n`, {
    contentType: "application/json",
  });
  return { lacking: next.withoutRate, landedSince: since };
}
