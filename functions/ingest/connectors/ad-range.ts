// Which days an ads connector pulls: the lookback (platforms restate conversions for days after the fact), and
// any days since the last successful pull that the lookback does not reach (a connector off for a while).
import { addDays } from "../../lib/calendar.ts";
import type { Row } from "../../shared/ports.ts";
import type { SourceName } from "../../shared/raw-schemas.ts";
import {
  type ConnectorContext,
  type ConnectorOutcome,
  RAW_TABLE_OF,
  readState,
  replaceAccountDays,
  writeState,
} from "./landing.ts";

/** The longest range one run pulls, so a connector switched back on after months does not pull years at once. */
export const MAX_PULL_DAYS = 90;

export interface PullRange {
  startDate: string;
  endDate: string;
  days: number;
}

export function adPullRange(runDate: string, lookbackDays: number, pulledThrough?: string): PullRange {
  const lookbackStart = addDays(runDate, -(lookbackDays - 1));
  const resume = pulledThrough ? addDays(pulledThrough, 1) : lookbackStart;
  const earliest = addDays(runDate, -(MAX_PULL_DAYS - 1));
  let startDate = resume < lookbackStart ? resume : lookbackStart;
  if (startDate < earliest) startDate = earliest;
  const days = Math.round((Date.parse(runDate) - Date.parse(startDate)) / 86_400_000) + 1;
  return { startDate, endDate: runDate, days };
}

/** Per-account cursors of an ads connector (state/connectors/<source>.json). */
export interface AdsState {
  accounts: Record<string, { pulledThrough: string; pulledAt: string }>;
}

/** A pull's rows: for the source's raw table (RAW_TABLE_OF), or by raw table when the source fills several. */
export type PulledRows = Row[] | Record<string, Row[]>;

/**
 * One ads connector's run: for each account, pull its range (`pull` reads every page and maps them to raw rows),
 * replace what earlier pulls landed for those days (in each raw table the pull fills, even with no rows: a day that
 * no longer has any loses its old ones), then move that account's cursor. A failure between two tables leaves the
 * later one as the earlier pull left it and the cursor where it was: the next run replaces both again.
 */
export async function pullAdAccounts(
  context: ConnectorContext,
  source: Exclude<SourceName, "shopify">,
  accounts: readonly string[],
  lookbackDays: number,
  pull: (account: string, range: PullRange) => Promise<PulledRows>,
): Promise<ConnectorOutcome> {
  const state = (await readState<AdsState>(context.bucket, source)) ?? { accounts: {} };
  let rowsLanded = 0;
  let rowsReplaced = 0;
  const ranges: string[] = [];
  for (const account of accounts) {
    const range = adPullRange(context.runDate, lookbackDays, state.accounts[account]?.pulledThrough);
    const pulled = await pull(account, range);
    const byTable = Array.isArray(pulled) ? { [RAW_TABLE_OF[source]]: pulled } : pulled;
    for (const [table, rows] of Object.entries(byTable)) {
      rowsReplaced += await replaceAccountDays(
        context.warehouse,
        table,
        { source, account, ...range },
        rows,
        context.pullId,
      );
      rowsLanded += rows.length;
    }
    state.accounts[account] = { pulledThrough: range.endDate, pulledAt: context.extractedAt };
    await writeState(context.bucket, source, state);
    ranges.push(`${account} ${range.startDate}..${range.endDate}`);
  }
  return { source, rowsLanded, rowsReplaced, pulled: ranges.join(", ") };
}
