// The demo shop's calendar: weekly and yearly seasonality, growth, and the retail events that shape a beauty
// brand's year, as factors on each day's demand and on which products sell.
import type { LocalDay } from "../lib/calendar.ts";
import { PRODUCTS } from "./catalogue.ts";
import { cumulative } from "./prng.ts";

/** Sunday first; Sunday/Monday strongest (payday and weekend browsing), Friday weakest. */
export const WEEKDAY_FACTOR = [1.13, 1.1, 1.02, 0.98, 0.95, 0.84, 0.98];

/** Monthly level at mid-month (Jan … Dec): January dip, summer dip, Q4 peak. */
const MONTH_LEVEL = [0.82, 0.92, 1.0, 1.0, 1.04, 0.92, 0.86, 0.88, 0.97, 1.02, 1.08, 1.2];

/** Black Friday: the day after the fourth Thursday of November. */
export function blackFriday(year: number): number {
  const firstOfNov = Date.UTC(year, 10, 1);
  const weekday = new Date(firstOfNov).getUTCDay();
  const firstThursday = 1 + ((4 - weekday + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1);
}

function secondSundayOfMay(year: number): number {
  const firstOfMay = Date.UTC(year, 4, 1);
  const weekday = new Date(firstOfMay).getUTCDay();
  return Date.UTC(year, 4, 1 + ((7 - weekday) % 7) + 7);
}

export interface DayContext {
  day: LocalDay;
  index: number;
  /** Position in the period, 0 … 1. */
  progress: number;
  month: number;
  dayOfMonth: number;
  /** Days from this year's Black Friday (negative before it). */
  fromBlackFriday: number;
  isBfcm: boolean;
  isHolidayGifting: boolean;
  isSummer: boolean;
}

export function dayContext(day: LocalDay, index: number, dayCount: number): DayContext {
  const date = new Date(day.civilMs);
  const month = date.getUTCMonth();
  const bf = blackFriday(date.getUTCFullYear());
  const fromBlackFriday = Math.round((day.civilMs - bf) / 86_400_000);
  return {
    day,
    index,
    progress: dayCount <= 1 ? 0 : index / (dayCount - 1),
    month,
    dayOfMonth: date.getUTCDate(),
    fromBlackFriday,
    isBfcm: fromBlackFriday >= -7 && fromBlackFriday <= 4,
    isHolidayGifting: month === 11 && date.getUTCDate() <= 20,
    isSummer: month >= 5 && month <= 7,
  };
}

const BFCM_FACTOR: Record<number, number> = { 0: 2.8, 1: 2.1, 2: 1.9, 3: 2.5, 4: 1.4 };

/** Expected demand relative to an average day, before growth and noise. */
export function seasonalFactor(context: DayContext): number {
  const { day, month, dayOfMonth, fromBlackFriday } = context;
  // Interpolate between mid-month levels so month boundaries do not show as steps.
  const daysInMonth = new Date(Date.UTC(new Date(day.civilMs).getUTCFullYear(), month + 1, 0)).getUTCDate();
  const position = (dayOfMonth - 0.5) / daysInMonth - 0.5;
  const neighbour = position < 0 ? (month + 11) % 12 : (month + 1) % 12;
  const here = MONTH_LEVEL[month] ?? 1;
  const there = MONTH_LEVEL[neighbour] ?? 1;
  let factor = here + (there - here) * Math.abs(position);

  if (fromBlackFriday >= -7 && fromBlackFriday < 0) factor *= 1.2;
  factor *= BFCM_FACTOR[fromBlackFriday] ?? 1;
  if (month === 11) {
    if (dayOfMonth >= 21 && dayOfMonth <= 24) factor *= 0.85;
    else if (dayOfMonth === 25) factor *= 0.55;
  }
  if (month === 0 && dayOfMonth <= 14) factor *= 0.92;
  if (month === 1 && dayOfMonth <= 13) factor *= 1.1;
  const year = new Date(day.civilMs).getUTCFullYear();
  const mothersDay = secondSundayOfMay(year);
  const toMothersDay = Math.round((mothersDay - day.civilMs) / 86_400_000);
  if (toMothersDay >= 1 && toMothersDay <= 10) factor *= 1.18;
  return factor * (WEEKDAY_FACTOR[day.weekday] ?? 1);
}

/** ~35% a year. */
export function growthFactor(daysFromStart: number): number {
  return 1.35 ** (daysFromStart / 365);
}

/** Per-day product weights (launches, archives, seasonal demand). */
export function productWeights(context: DayContext): Float64Array {
  return cumulative(
    PRODUCTS.map((product) => {
      if (product.launchAt !== undefined && context.progress < product.launchAt) return 0;
      if (product.archiveAt !== undefined && context.progress >= product.archiveAt) return 0;
      let weight = product.weight;
      if (product.season === "summer" && context.isSummer) weight *= 1.8;
      if (product.season === "winter" && (context.month >= 10 || context.month <= 1)) weight *= 1.4;
      if (product.season === "gifting" && (context.isBfcm || context.isHolidayGifting)) weight *= 2.5;
      if (product.category === "Bundles" && context.isBfcm) weight *= 1.5;
      return weight;
    }),
  );
}
