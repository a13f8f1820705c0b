// What BigQuery would bill a statement for the tables it reads (test/support/table-reads.ts decides how far each
// read reaches): the recording fake answers dry runs and job statistics with it, so that a test can show which of
// a daily run's reads grow with history. A model of the partition layout, not of column widths: every day of a
// table costs the same (PARTITION_BYTES).
import { type TableRead, tableReads } from "../../../support/table-reads.ts";

export const PARTITION_BYTES = 1_000_000;

/** Days of data a read costs: a monthly partition is a month whatever the window (two, across a month end). */
export function daysRead(read: TableRead, historyDays: number, windowDays: number): number {
  if (read.reach === "fixed") return 1;
  if (read.reach === "history") return historyDays;
  return read.monthly ? 60 : windowDays;
}

/** What BigQuery bills `sql` with `historyDays` of data in every table and a run reading `windowDays`. */
export function scanBytes(sql: string, historyDays: number, windowDays: number): number {
  return tableReads(sql).reduce(
    (bytes, read) => bytes + PARTITION_BYTES * daysRead(read, historyDays, windowDays),
    0,
  );
}
