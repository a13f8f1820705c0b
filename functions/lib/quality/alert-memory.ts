// Alerts with a memory: whether an alert is new today, how long it has been going on ("ongoing since 17 Nov,
// day 5"), and which alerts of yesterday have stopped. Pure: built from today's alerts and the alert history of
// ops.findings (see findings-store.ts), one row per run date, check and subject.
//
// A streak is a run of consecutive run dates on which the same check fired on the same subject. Severity may
// change within a streak (a source three days late is a warning, five days late critical); a day without the
// alert ends the streak, so an alert that stops and comes back starts over at day 1.
import { addDays, daysBetween } from "../calendar.ts";

/** One alert (warning or critical finding) recorded on one run date, as ops.findings holds it. */
export interface AlertDay {
  run_date: string;
  check_name: string;
  subject: string;
}

export interface AlertIdentity {
  check: string;
  subject: string;
}

export type AlertMemory =
  | { status: "new" }
  /** `since` is the streak's first run date; `day` counts the run date itself (since yesterday → day 2). */
  | { status: "ongoing"; since: string; day: number };

export interface ResolvedAlert extends AlertIdentity {
  /** The first run date of the streak that ended yesterday. */
  since: string;
}

export interface AlertMemories {
  /** Today's alerts by alertKey(check, subject). */
  today: Map<string, AlertMemory>;
  /** Alerts that fired yesterday and not today ("resolved since yesterday"). */
  resolved: ResolvedAlert[];
}

export const alertKey = (alert: AlertIdentity): string => `${alert.check}\u0000${alert.subject}`;

export function alertMemories(
  todaysAlerts: readonly AlertIdentity[],
  history: readonly AlertDay[],
  runDate: string,
): AlertMemories {
  // Only days before the run date count: today's own rows (written by this run's checks) are today's alerts.
  const daysByKey = new Map<string, Set<string>>();
  const identities = new Map<string, AlertIdentity>();
  for (const row of history) {
    const date = String(row.run_date).slice(0, 10);
    if (date >= runDate) continue;
    const identity = { check: row.check_name, subject: row.subject };
    const key = alertKey(identity);
    identities.set(key, identity);
    const days = daysByKey.get(key) ?? new Set<string>();
    days.add(date);
    daysByKey.set(key, days);
  }
  const yesterday = addDays(runDate, -1);
  /** The first day of the unbroken run of days that ends yesterday. */
  const streakStart = (days: ReadonlySet<string>): string => {
    let day = yesterday;
    while (days.has(addDays(day, -1))) day = addDays(day, -1);
    return day;
  };

  const today = new Map<string, AlertMemory>();
  for (const alert of todaysAlerts) {
    const key = alertKey(alert);
    const days = daysByKey.get(key);
    if (!days?.has(yesterday)) {
      today.set(key, { status: "new" });
      continue;
    }
    const since = streakStart(days);
    today.set(key, { status: "ongoing", since, day: daysBetween(since, runDate) + 1 });
  }
  const resolved: ResolvedAlert[] = [];
  for (const [key, days] of daysByKey) {
    if (today.has(key) || !days.has(yesterday)) continue;
    const identity = identities.get(key);
    if (identity) resolved.push({ ...identity, since: streakStart(days) });
  }
  resolved.sort((a, b) => a.check.localeCompare(b.check) || a.subject.localeCompare(b.subject));
  return { today, resolved };
}
