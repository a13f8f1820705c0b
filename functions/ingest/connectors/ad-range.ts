// Which days an ads connector pulls: the lookback (platforms restate conversions for days after the fact), any days
// since the last successful pull that the lookback does not reach (a connector off for a while), and the account's
// history back to `initialDays` before its first run, the part one run does not reach pulled by the next runs.
import { addDays, daysBetween } from "../../lib/calendar.ts";
import { PlatformAuthError } from "../../lib/platform-apis/http.ts";
import { CONNECTOR_HISTORY_OWED_TABLE, DATASETS } from "../../shared/pipeline.ts";
import type { LoadColumn, Row, Warehouse } from "../../shared/ports.ts";
import type { SourceName } from "../../shared/raw-schemas.ts";
import {
  type ConnectorContext,
  type ConnectorOutcome,
  type DaySpan,
  RAW_TABLE_OF,
  readState,
  replaceAccountDays,
  writeState,
} from "./landing.ts";

/**
 * The most days one range of a run pulls, so that a connector switched back on after months, or a first run asked for
 * years of history, does not ask for them in one request: the newest days in one range, then the days still owed
 * (DaySpan) in ranges of their own, newest first, `historyRangesPerRun` at most, the rest left to the next runs.
 */
export const MAX_PULL_DAYS = 90;

/**
 * The time before ingest's deadline that no range of history beyond a run's first begins in, kept for the newest days
 * of the accounts and connectors still to pull: history is the part that can wait for tomorrow.
 */
export const HISTORY_RESERVE_MS = 240_000;

/** How much of an account's days a connector pulls, from its settings (connector-settings.ts). */
export interface AccountDays {
  lookbackDays: number;
  initialDays: number;
  /** Ranges of owed history (MAX_PULL_DAYS each) one run pulls after the newest days, time allowing. */
  historyRangesPerRun: number;
}

export interface PullRange {
  startDate: string;
  endDate: string;
  days: number;
}

function range(startDate: string, endDate: string): PullRange {
  return { startDate, endDate, days: daysBetween(startDate, endDate) + 1 };
}

/** The newest range a run pulls: the look-back, reaching back to the day after the last pull, at most MAX_PULL_DAYS. */
export function adPullRange(runDate: string, lookbackDays: number, pulledThrough?: string): PullRange {
  const lookbackStart = addDays(runDate, -(lookbackDays - 1));
  const resume = pulledThrough ? addDays(pulledThrough, 1) : lookbackStart;
  const earliest = addDays(runDate, -(MAX_PULL_DAYS - 1));
  let startDate = resume < lookbackStart ? resume : lookbackStart;
  if (startDate < earliest) startDate = earliest;
  return range(startDate, runDate);
}

/** Per-account cursors of an ads connector (state/connectors/<source>.json). */
export interface AdsState {
  accounts: Record<string, AccountCursor>;
}

export interface AccountCursor {
  /** The newest day pulled. */
  pulledThrough: string;
  pulledAt: string;
  /**
   * The first day of the account's history its pulls reach for: `initialDays` before its first run (or before a later
   * run whose `initialDays` reach further). Absent in a cursor written before history was pulled: then its first day
   * is where the look-back reached, and only a longer `initialDays` asks for more.
   */
  historyFrom?: string;
  /**
   * The `initialDays` of the newest run: one set lower since cancels the days it no longer reaches. Absent in a
   * cursor written before it was kept: then a lower setting cancels nothing until a run has kept it.
   */
  initialDays?: number;
  /** Days of that history no pull has landed yet, oldest first: a first run's days beyond one range, a long gap. */
  owed?: DaySpan[];
}

/** What one run pulls for an account, in this order, and the account's days still owed after each. */
export interface AccountPullPlan {
  /** The newest days (adPullRange). */
  recent: PullRange;
  /** The newest of the days owed, at most MAX_PULL_DAYS; absent when none is owed. */
  history?: PullRange;
  historyFrom: string;
  /** The `initialDays` the plan was made with, kept in the cursor. */
  initialDays: number;
  /** Owed once `recent` is pulled (the days a long gap skipped included), then once `history` is too. */
  owedAfterRecent: DaySpan[];
  owedAfterHistory: DaySpan[];
}

/** `spans` with the days of `taken` removed: a span it overlaps is cut around it. */
function withoutDays(spans: readonly DaySpan[], taken: DaySpan): DaySpan[] {
  const left: DaySpan[] = [];
  for (const span of spans) {
    if (taken.endDate < span.startDate || taken.startDate > span.endDate) {
      left.push(span);
      continue;
    }
    if (span.startDate < taken.startDate)
      left.push({ startDate: span.startDate, endDate: addDays(taken.startDate, -1) });
    if (span.endDate > taken.endDate)
      left.push({ startDate: addDays(taken.endDate, 1), endDate: span.endDate });
  }
  return left;
}

/** `spans` from `firstDay` on: the days before it dropped. */
function fromDay(spans: readonly DaySpan[], firstDay: string): DaySpan[] {
  return spans
    .filter((span) => span.endDate >= firstDay)
    .map((span) => (span.startDate < firstDay ? { ...span, startDate: firstDay } : span));
}

/** Pure: the newest MAX_PULL_DAYS of the owed days, and what is owed once they are pulled; none when nothing is. */
export function nextHistoryRange(
  owed: readonly DaySpan[],
): { range: PullRange; owedAfter: DaySpan[] } | undefined {
  const newest = owed.at(-1);
  if (!newest) return undefined;
  const oldestOfChunk = addDays(newest.endDate, -(MAX_PULL_DAYS - 1));
  const history = range(oldestOfChunk > newest.startDate ? oldestOfChunk : newest.startDate, newest.endDate);
  return { range: history, owedAfter: withoutDays(owed, history) };
}

/**
 * Pure: which days a run pulls for an account and what it still owes after. A first run owes the account's history
 * from `initialDays` (at least the look-back) before the run date; a run after a gap longer than MAX_PULL_DAYS owes
 * the gap's days the newest range does not reach, where they used to be skipped for good; a longer `initialDays`
 * than the cursor's owes the days it adds, a shorter one cancels the owed days it no longer reaches (a history
 * asked for by mistake is not pulled for weeks). Each run pulls the newest range, then the newest MAX_PULL_DAYS of what is
 * owed (the recent past first: last month's figures before last year's).
 */
export function planAccountPull(
  runDate: string,
  days: Pick<AccountDays, "lookbackDays" | "initialDays">,
  cursor?: AccountCursor,
): AccountPullPlan {
  const wantedFrom = addDays(runDate, -(Math.max(days.initialDays, days.lookbackDays) - 1));
  // A first run reaches back as a run after a gap does: to the first day wanted, MAX_PULL_DAYS at most.
  const recent = adPullRange(runDate, days.lookbackDays, cursor?.pulledThrough ?? addDays(wantedFrom, -1));
  let owed: DaySpan[] = [...(cursor?.owed ?? [])];
  let historyFrom: string;
  if (!cursor) {
    historyFrom = wantedFrom;
    if (wantedFrom < recent.startDate)
      owed = [{ startDate: wantedFrom, endDate: addDays(recent.startDate, -1) }];
  } else {
    const firstDay = cursor.historyFrom ?? wantedFrom;
    historyFrom = wantedFrom < firstDay ? wantedFrom : firstDay;
    // A longer initialDays than the cursor was made with: the days it adds.
    if (historyFrom < firstDay) owed.unshift({ startDate: historyFrom, endDate: addDays(firstDay, -1) });
    // A gap the newest range does not reach (the connector was off longer than MAX_PULL_DAYS).
    const resume = addDays(cursor.pulledThrough, 1);
    if (resume < recent.startDate) owed.push({ startDate: resume, endDate: addDays(recent.startDate, -1) });
    // A shorter initialDays than the last run's: the history now starts where it reaches today, and the days
    // before are not owed any more (those already pulled stay in raw). The same setting a day later moves nothing:
    // the history's first day is kept, not recomputed from each run date.
    if (
      cursor.initialDays !== undefined &&
      days.initialDays < cursor.initialDays &&
      wantedFrom > historyFrom
    ) {
      historyFrom = wantedFrom;
      owed = fromDay(owed, wantedFrom);
    }
  }
  owed = withoutDays(owed, recent);
  const { initialDays } = days;
  const next = nextHistoryRange(owed);
  if (!next) return { recent, historyFrom, initialDays, owedAfterRecent: owed, owedAfterHistory: owed };
  return {
    recent,
    history: next.range,
    historyFrom,
    initialDays,
    owedAfterRecent: owed,
    owedAfterHistory: next.owedAfter,
  };
}

/** The days in `spans`. */
export function daysIn(spans: readonly DaySpan[]): number {
  return spans.reduce((sum, span) => sum + daysBetween(span.startDate, span.endDate) + 1, 0);
}

/** A pull's rows: for the source's raw table (RAW_TABLE_OF), or by raw table when the source fills several. */
export type PulledRows = Row[] | Record<string, Row[]>;

/**
 * One ads connector's run: for each account, pull the ranges of its plan (planAccountPull; `pull` reads every page
 * and maps them to raw rows), then up to `historyRangesPerRun` ranges of the days it owes, newest first, replace what
 * earlier pulls landed for those days (in each raw table the pull fills, even with no rows: a day that no longer has
 * any loses its old ones), and move that account's cursor after each. A range of history after the first is begun
 * only when the slowest range so far would end HISTORY_RESERVE_MS before ingest's deadline. A failure between two
 * tables leaves the later one as the earlier pull left it and the cursor where it was: the next run replaces both
 * again.
 */
export async function pullAdAccounts(
  context: ConnectorContext,
  source: Exclude<SourceName, "shopify">,
  accounts: readonly string[],
  days: AccountDays,
  pull: (account: string, range: PullRange) => Promise<PulledRows>,
): Promise<ConnectorOutcome> {
  const state = (await readState<AdsState>(context.bucket, source)) ?? { accounts: {} };
  const hadOwed = Object.values(state.accounts).some((cursor) => cursor.owed?.length);
  let rowsLanded = 0;
  let rowsReplaced = 0;
  const ranges: string[] = [];
  const owed: ConnectorOutcome["owed"] = [];
  // The slowest range of this connector's run so far (ms on io's clock): what the next range of history may take.
  let slowestMs = 0;
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = context.io.now().getTime();
    try {
      return await work();
    } finally {
      slowestMs = Math.max(slowestMs, context.io.now().getTime() - started);
    }
  };
  /** Lands one range's rows in each raw table the pull fills, then moves the account's cursor. */
  const land = async (
    account: string,
    pulledRange: PullRange,
    pulled: PulledRows,
    plan: AccountPullPlan,
    owedAfter: DaySpan[],
  ) => {
    const byTable = Array.isArray(pulled) ? { [RAW_TABLE_OF[source]]: pulled } : pulled;
    for (const [table, rows] of Object.entries(byTable)) {
      rowsReplaced += await replaceAccountDays(
        context.warehouse,
        table,
        { source, account, ...pulledRange },
        rows,
        context.pullId,
      );
      rowsLanded += rows.length;
    }
    const newest = state.accounts[account]?.pulledThrough;
    state.accounts[account] = {
      // A re-run of an earlier date does not move the cursor back.
      pulledThrough: newest && newest > pulledRange.endDate ? newest : pulledRange.endDate,
      pulledAt: context.extractedAt,
      historyFrom: plan.historyFrom,
      initialDays: plan.initialDays,
      owed: owedAfter,
    };
    await writeState(context.bucket, source, state);
    ranges.push(`${account} ${pulledRange.startDate}..${pulledRange.endDate}`);
  };
  for (const account of accounts) {
    const plan = planAccountPull(context.runDate, days, state.accounts[account]);
    await land(
      account,
      plan.recent,
      await timed(() => pull(account, plan.recent)),
      plan,
      plan.owedAfterRecent,
    );
    let owedNow = plan.owedAfterRecent;
    let failure: string | undefined;
    let leftForTime = false;
    let next = nextHistoryRange(plan.owedAfterRecent);
    for (let pulledRanges = 0; next && pulledRanges < days.historyRangesPerRun; pulledRanges += 1) {
      const history = next;
      // The first range of history is always asked for (as before history came in several); a later one only when
      // it would end in time for the rest of ingest.
      const latestStart = context.deadline.getTime() - HISTORY_RESERVE_MS - slowestMs;
      if (pulledRanges > 0 && context.io.now().getTime() > latestStart) {
        leftForTime = true;
        break;
      }
      // The recent days are landed: older days the platform will not give today (a wait past the deadline, an
      // error) stay owed, for the next run to ask again, and fail nothing. Refused credentials fail the connector.
      const pulled = await timed(() => pull(account, history.range)).catch((error: unknown) => {
        if (error instanceof PlatformAuthError) throw error;
        failure = error instanceof Error ? error.message : String(error);
        context.log.warn("connector history pull failed", { account, error: failure });
        return undefined;
      });
      if (!pulled) break;
      await land(account, history.range, pulled, plan, history.owedAfter);
      owedNow = history.owedAfter;
      next = nextHistoryRange(owedNow);
    }
    if (owedNow.length)
      owed.push({
        account,
        spans: owedNow,
        ...(failure ? { failure } : {}),
        ...(leftForTime ? { leftForTime } : {}),
      });
  }
  // Written when something is owed, or was before this run (its rows are then cleared): most runs write nothing.
  if (owed.length || hadOwed) await recordOwedHistory(context.warehouse, source, owed);
  return { source, rowsLanded, rowsReplaced, pulled: ranges.join(", "), ...(owed.length ? { owed } : {}) };
}

export const OWED_HISTORY_COLUMNS: readonly LoadColumn[] = [
  { name: "source", type: "STRING" },
  { name: "account_id", type: "STRING" },
  { name: "owed_start", type: "DATE" },
  { name: "owed_end", type: "DATE" },
];

/**
 * Replaces the source's rows of ops.connector_history_owed with the days it still owes, so that the transform counts
 * them as not landed (unified.source_coverage: a figure of such a day says its spend is incomplete), not as days of
 * no spend.
 */
export async function recordOwedHistory(
  warehouse: Warehouse,
  source: SourceName,
  owed: NonNullable<ConnectorOutcome["owed"]>,
): Promise<void> {
  await warehouse.load({
    dataset: DATASETS.ops,
    table: CONNECTOR_HISTORY_OWED_TABLE,
    columns: OWED_HISTORY_COLUMNS,
    replaceWhere: { column: "source", value: source },
    rows: owed.flatMap(({ account, spans }) =>
      spans.map((span) => ({
        source,
        account_id: account,
        owed_start: span.startDate,
        owed_end: span.endDate,
      })),
    ),
  });
}
