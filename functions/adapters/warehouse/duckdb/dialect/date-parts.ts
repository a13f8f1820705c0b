// Date parts (DAY, WEEK(MONDAY), ISOWEEK ...) and the week arithmetic BigQuery's Sunday-based weeks need.

export const WEEKDAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

export interface DatePart {
  part: string;
  /** First day of the week for WEEK(<weekday>) (0 = Sunday, BigQuery's default for WEEK). */
  weekStart: number;
  pos: number;
}

/** `d` minus the days since the last `weekStart` weekday: the first day of its week. */
export function weekStartOf(date: string, weekStart: number): string {
  return `(${date} - CAST((dayofweek(${date}) + ${7 - weekStart}) % 7 AS INTEGER))`;
}
