// Pure rule: staging counts an ad account's day from its newest landing, whole, a dropped export's rows against the
// platform API's (the API's on a tie; sql/staging/stg_*_ads*.sql). A marketer who drops a corrected export of days
// the connector (or Airbyte) pulls again afterwards sees the API's numbers in its place the next morning, and
// nothing in the figures says so: this finds those exports, their accounts and days, for check-sources to tell.
import type { Finding } from "../shared/findings.ts";
import type { SourceDefinition } from "../shared/sources.ts";
import { dayRanges } from "./export-gaps.ts";

/** When an account's day last landed in one way: by the API, or from one export file. */
export interface AccountDayLanding {
  day: string;
  account: string;
  fromFile: boolean;
  /** The export's file name as dropped ("" when not kept); null for the API's rows. */
  fileName: string | null;
  /** Milliseconds since the epoch. */
  landedAt: number;
}

/** An export whose rows of some days no longer count: the API's rows of them landed after it. */
export interface OverriddenExport {
  fileName: string;
  /** The accounts it named on those days, sorted; empty for an export naming no account. */
  accounts: string[];
  /** Sorted. */
  days: string[];
}

/**
 * The exports whose rows of an account's day staging leaves out for the API's, landed at the same time or later:
 * an account's own export against its own API rows; an export naming no account (`unnamedAccount`, which stands
 * for any account of its days) against every account's API rows of the day. An account's export left out on a day
 * that an export naming no account wins is left out for that export, not the API's, and is not one of them.
 */
export function overriddenExports(
  landings: readonly AccountDayLanding[],
  unnamedAccount: string,
): OverriddenExport[] {
  const api = new Map<string, number>();
  const apiOfDay = new Map<string, number>();
  const files = new Map<string, { day: string; account: string; landedAt: number; names: Set<string> }>();
  for (const landing of landings) {
    const key = `${landing.day}|${landing.account}`;
    if (!landing.fromFile) {
      api.set(key, Math.max(api.get(key) ?? -Infinity, landing.landedAt));
      apiOfDay.set(landing.day, Math.max(apiOfDay.get(landing.day) ?? -Infinity, landing.landedAt));
      continue;
    }
    const file = files.get(key) ?? {
      day: landing.day,
      account: landing.account,
      landedAt: -Infinity,
      names: new Set<string>(),
    };
    file.landedAt = Math.max(file.landedAt, landing.landedAt);
    file.names.add(landing.fileName ?? "");
    files.set(key, file);
  }
  const unnamedWins = (day: string): boolean => {
    const unnamed = files.get(`${day}|${unnamedAccount}`);
    return unnamed !== undefined && unnamed.landedAt > (apiOfDay.get(day) ?? -Infinity);
  };
  const byFile = new Map<string, { accounts: Set<string>; days: Set<string> }>();
  for (const [key, file] of files) {
    const unnamed = file.account === unnamedAccount;
    const apiLanded = unnamed ? apiOfDay.get(file.day) : api.get(key);
    if (apiLanded === undefined || apiLanded < file.landedAt) continue;
    if (!unnamed && unnamedWins(file.day)) continue;
    for (const name of file.names) {
      const entry = byFile.get(name) ?? { accounts: new Set<string>(), days: new Set<string>() };
      if (!unnamed) entry.accounts.add(file.account);
      entry.days.add(file.day);
      byFile.set(name, entry);
    }
  }
  return [...byFile]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([fileName, entry]) => ({
      fileName,
      accounts: [...entry.accounts].sort(),
      days: [...entry.days].sort(),
    }));
}

/**
 * One export's days that count the API's numbers now. Info, not a warning: the API's numbers are the platform's own
 * and most often the export's too (an export of days the connector's lookback pulls again each night is overridden
 * the next morning, numbers unchanged), so a warning would sound every day of the run window for nothing lost;
 * the finding says which days a correction no longer counts for whoever dropped one.
 */
export function overriddenExportFinding(
  source: Pick<SourceDefinition, "name" | "label" | "freshnessTable">,
  overridden: OverriddenExport,
): Omit<Finding, "step"> {
  const { fileName, accounts, days } = overridden;
  const one = days.length === 1;
  const named = fileName === "" ? `A ${source.label} export` : `${source.label} export ${fileName}`;
  const ofAccounts =
    accounts.length === 0 ? "" : ` (account${accounts.length === 1 ? "" : "s"} ${accounts.join(", ")})`;
  return {
    check: "file_drop_overridden",
    severity: "info",
    blocking: false,
    subject: source.name,
    source: source.name,
    table: source.freshnessTable,
    metric: "days_overridden",
    observed: days.length,
    expected: "an export's days counted from it unless the API's rows of them landed after it",
    message: `${named}: its ${one ? "day" : "days"} ${dayRanges(days)}${ofAccounts} ${one ? "is" : "are"} the API's numbers now, landed after it: an account's day counts the rows of its newest landing, whole. If the export corrects the API, correct it in ${source.label} too, or drop it again after the API's last pull of ${one ? "that day" : "those days"}.`,
  };
}
