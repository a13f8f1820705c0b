// A platform's own numbers by day, as its API reports them, for the reconciliation with the warehouse.

/** day (YYYY-MM-DD) → metric → value. */
export type DailyTotals = Map<string, Record<string, number>>;

export function addTotals(totals: DailyTotals, day: string, values: Record<string, number>): void {
  const entry = totals.get(day) ?? {};
  for (const [metric, value] of Object.entries(values)) entry[metric] = (entry[metric] ?? 0) + value;
  totals.set(day, entry);
}
