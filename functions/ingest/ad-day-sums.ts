// Ad exports with a breakdown (Meta: age × gender, placement, platform, region …; Google Ads: ad-group, ad or
// keyword level) have several rows per ad-day, where the raw table (and staging's "latest extraction wins") has
// one. Keeping one of them loses the rest of the money, so the rows of one key are summed into one, exactly
// (decimal arithmetic, no per-row rounding), and every source row is counted as loaded into it.
import type { Row } from "../shared/ports.ts";
import type { DataRecord, MapOutput, RecordMapper } from "./format-spec.ts";
import { addDecimals } from "./parse-values.ts";

/** a + b without floating-point drift (each operand is the shortest decimal of a parsed amount); null + null = null. */
export function addExact(a: unknown, b: unknown): number | null {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return null;
  const text = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? plain(value) : "0");
  return Number(addDecimals(text(a), text(b)));
}

/** A number as plain decimal text (never exponent notation). */
function plain(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(12).replace(/\.?0+$/, "");
}

/** Sums `{action_type, value}` lists (Meta's actions and action_values) by action type. */
export function sumActions(a: unknown, b: unknown): Row[] {
  const totals = new Map<string, string>();
  for (const list of [a, b]) {
    if (!Array.isArray(list)) continue;
    for (const item of list as { action_type?: unknown; value?: unknown }[]) {
      const type = String(item.action_type ?? "");
      totals.set(type, addDecimals(totals.get(type) ?? "0", String(item.value ?? "0")));
    }
  }
  return [...totals].map(([action_type, value]) => ({ action_type, value }));
}

interface Pending {
  row: Row;
  eventDate: string | null;
  /** All source records while the key is future-dated (they will be quarantined); else only the first. */
  records: DataRecord[];
  count: number;
}

/**
 * Wraps a mapper so that its loaded rows with the same key become one row (merged by `merge`), emitted at the
 * end of the file. Rejected rows pass through at once. Memory: one row per distinct key (ad-days of one file),
 * not one record per source row: a row that will load keeps only its first record (for its line) and a count;
 * only a key dated after `latestEventDate` keeps every record, as those are quarantined whole.
 */
export function summingByKey(
  inner: RecordMapper,
  keyOf: (row: Row) => string,
  merge: (into: Row, next: Row) => Row,
  latestEventDate: string,
): RecordMapper {
  const pending = new Map<string, Pending>();
  const keepsAll = (eventDate: string | null) => eventDate !== null && eventDate > latestEventDate;
  const take = (outputs: MapOutput[]): MapOutput[] => {
    const passed: MapOutput[] = [];
    for (const output of outputs) {
      if (output.type !== "load") {
        passed.push(output);
        continue;
      }
      const key = keyOf(output.row);
      const existing = pending.get(key);
      const count = output.count ?? output.records.length;
      if (!existing) {
        const records = keepsAll(output.eventDate) ? [...output.records] : output.records.slice(0, 1);
        pending.set(key, { row: output.row, eventDate: output.eventDate, records, count });
      } else {
        existing.row = merge(existing.row, output.row);
        existing.count += count;
        if (keepsAll(existing.eventDate)) existing.records.push(...output.records);
      }
    }
    return passed;
  };
  return {
    push: (record) => take(inner.push(record)),
    finish() {
      const rest = take(inner.finish());
      const rows: MapOutput[] = [...pending.values()].map((item) => ({
        type: "load",
        row: item.row,
        eventDate: item.eventDate,
        records: item.records,
        count: item.count,
      }));
      pending.clear();
      return [...rest, ...rows];
    },
  };
}

/** Meta: one row per ad and day; reach is not additive across a breakdown, so a summed row has none. */
export function mergeMetaRows(into: Row, next: Row): Row {
  return {
    ...into,
    spend: addExact(into.spend, next.spend) ?? 0,
    impressions: addExact(into.impressions, next.impressions),
    clicks: addExact(into.clicks, next.clicks),
    reach: null,
    actions: sumActions(into.actions, next.actions),
    action_values: sumActions(into.action_values, next.action_values),
  };
}

/** Google Ads: one row per campaign, ad group and day. */
export function mergeGoogleRows(into: Row, next: Row): Row {
  return {
    ...into,
    metrics_cost_micros: Number(into.metrics_cost_micros ?? 0) + Number(next.metrics_cost_micros ?? 0),
    metrics_impressions: addExact(into.metrics_impressions, next.metrics_impressions),
    metrics_clicks: addExact(into.metrics_clicks, next.metrics_clicks),
    metrics_conversions: addExact(into.metrics_conversions, next.metrics_conversions),
    metrics_conversions_value: addExact(into.metrics_conversions_value, next.metrics_conversions_value),
  };
}

/**
 * TikTok: one row per ad and day. Its metrics are decimal strings; the purchase value travels as purchases ×
 * value per purchase (the API's shape), so the merged rate is the summed value over the summed purchases.
 */
export function mergeTiktokRows(into: Row, next: Row): Row {
  const a = (into.metrics ?? {}) as Record<string, unknown>;
  const b = (next.metrics ?? {}) as Record<string, unknown>;
  const add = (key: string) => addDecimals(String(a[key] ?? "0"), String(b[key] ?? "0"));
  const purchases = Number(add("complete_payment"));
  const value =
    Number(a.complete_payment ?? 0) * Number(a.total_complete_payment_rate ?? 0) +
    Number(b.complete_payment ?? 0) * Number(b.total_complete_payment_rate ?? 0);
  return {
    ...into,
    metrics: {
      ...a,
      spend: add("spend"),
      impressions: add("impressions"),
      clicks: add("clicks"),
      conversion: add("conversion"),
      complete_payment: add("complete_payment"),
      total_complete_payment_rate: String(purchases > 0 ? value / purchases : 0),
    },
  };
}
