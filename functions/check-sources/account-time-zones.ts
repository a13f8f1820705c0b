// Ad accounts that count their days in another time zone than the shop's. Meta, TikTok and Google Ads report each
// account's spend by days of the account's own time zone, set when the account was created (often by an agency
// abroad) and not changeable afterwards; the shop's orders are counted by days of the shop's zone. Where the two
// differ, a day's ROAS, CAC and MER weigh one day's orders against spend of other hours, and nothing in the
// numbers shows it: the platform APIs are asked for each account's zone, and the difference is said here.
import { addDays, DAY_MS, dateUtcMs, ShopClock } from "../lib/calendar.ts";
import type { Finding } from "../shared/findings.ts";
import type { SourceName } from "../shared/raw-schemas.ts";
import { SOURCES } from "../shared/sources.ts";

export interface AccountTimeZone {
  source: SourceName;
  account: string;
  /** As the platform API names it (an IANA name such as America/Los_Angeles, or Etc/GMT+8). */
  timeZone: string;
}

/** Hours apart at or beyond which a daily figure is off by a large share of a day's spend: a warning. */
export const WARNING_HOURS_APART = 3;

/** Days before the run date over which the zones' clocks are compared (a year: every daylight-saving change). */
const COMPARED_DAYS = 365;

const LABELS = new Map(SOURCES.map((source) => [source.name, source.label]));

function clockOf(timeZone: string): ShopClock | undefined {
  try {
    return new ShopClock(timeZone);
  } catch {
    return undefined;
  }
}

/** "9 hours", "1 hour", "5 hours 30 minutes". */
function duration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [];
  if (hours > 0) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (rest > 0) parts.push(`${rest} minute${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

/** A time of day on a 24-hour clock from minutes after midnight (0–1439). */
function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * Where an account's day falls on the shop's clock, given the account's offset minus the shop's (minutes): an
 * account 9 hours behind starts its day at 09:00 of the shop's same day; one 6 hours ahead at 18:00 of the day
 * before.
 */
function accountDayOnShopClock(aheadMinutes: number): string {
  const start = ((-aheadMinutes % 1440) + 1440) % 1440;
  return aheadMinutes < 0
    ? `from ${clockTime(start)} to ${clockTime(start)} the next day`
    : `from ${clockTime(start)} the day before to ${clockTime(start)}`;
}

/**
 * Pure: a finding for each account whose clock differs from the shop's on the run date or on any day of the year
 * before it. A warning when they are WARNING_HOURS_APART or more on the run date, information otherwise (an hour,
 * or only while one of them keeps daylight-saving time).
 */
export function accountTimeZoneFindings(
  accounts: readonly AccountTimeZone[],
  shopTimeZone: string,
  runDate: string,
): Finding[] {
  const shopClock = new ShopClock(shopTimeZone);
  // Noon UTC of each compared day: away from every zone's midnight changes of offset.
  const instants = Array.from(
    { length: COMPARED_DAYS },
    (_, index) => dateUtcMs(addDays(runDate, index - COMPARED_DAYS + 1)) + DAY_MS / 2,
  );
  const shopOffsets = instants.map((instant) => shopClock.offsetMs(instant));
  const findings: Finding[] = [];
  for (const { source, account, timeZone } of accounts) {
    const label = LABELS.get(source) ?? source;
    const base = {
      step: "check-sources" as const,
      check: "ad_account_time_zone",
      blocking: false,
      subject: `${source}:${account}`,
      source,
      observed: timeZone,
      expected: shopTimeZone,
    };
    const clock = clockOf(timeZone);
    if (!clock) {
      findings.push({
        ...base,
        severity: "warning",
        message: `${label} account ${account} counts its days in "${timeZone}", a time zone this pipeline does not know, so whether its days are the shop's (${shopTimeZone}) cannot be said: check the account's time zone in ${label}.`,
      });
      continue;
    }
    const ahead = instants.map(
      (instant, index) => (clock.offsetMs(instant) - (shopOffsets[index] ?? 0)) / 60_000,
    );
    const differing = ahead.filter((minutes) => minutes !== 0).length;
    if (differing === 0) continue;
    const onRunDate = ahead[ahead.length - 1] ?? 0;
    const apart = Math.abs(onRunDate);
    const effect = `daily ROAS, CAC and MER weigh a day's orders against spend of other hours; weeks and months differ only at their first and last day`;
    const remedy = `An ad account's time zone cannot be changed once it is set: read this account's daily figures with that in mind, or move its spend to an account in ${shopTimeZone}`;
    if (onRunDate === 0) {
      findings.push({
        ...base,
        severity: "info",
        message: `${label} account ${account} counts its days in ${timeZone}, the shop in ${shopTimeZone}: the same clock on ${runDate}, but not on ${differing} of the last ${COMPARED_DAYS} days (their daylight-saving time changes on other dates). On those days ${effect}.`,
      });
      continue;
    }
    findings.push({
      ...base,
      severity: apart >= WARNING_HOURS_APART * 60 ? "warning" : "info",
      message: `${label} account ${account} counts its days in ${timeZone}, the shop in ${shopTimeZone}: ${duration(apart)} ${onRunDate < 0 ? "behind" : "ahead"} on ${runDate}, so its day of spend runs ${accountDayOnShopClock(onRunDate)} on the shop's clock and ${effect}. ${remedy}.`,
    });
  }
  return findings;
}
