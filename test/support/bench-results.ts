// A bench scale's results for the bench's report tests: no runs unless given, 730 days of data.
import type { ScaleResult } from "../../tools/bench-report.ts";

export function scaleResult(targetOrders: number, parts: Partial<ScaleResult>): ScaleResult {
  return {
    targetOrders,
    days: 730,
    cold: [],
    coldCompare: [],
    warm: [],
    warmCompare: [],
    baseline: [],
    check: null,
    ...parts,
  };
}
