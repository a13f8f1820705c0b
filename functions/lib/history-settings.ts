// The settings every day of the models depends on, not only the run window's: the shop's time zone (it decides
// each order's day), the PII key (every email and phone hash, and so every customer's identity) and the channel
// list (every order's channel). A daily run rebuilds its window only, so under a changed setting it would mix
// two versions of history: an order moved to another day by a new time zone would be in both. The transform keeps
// the settings it built with in ops.transform_settings and rebuilds all history when they change. The shop
// currency's decimals too: the places of every day's AOV, CAC and CPA; and the shop's currency itself, which every
// day's ad spend in another currency is converted to.
import { createHash } from "node:crypto";
import { readQuery } from "./sql/queries.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { LoadColumn, Warehouse } from "../shared/ports.ts";

export const HISTORY_SETTINGS_TABLE = "transform_settings";
export const HISTORY_SETTING_COLUMNS: readonly LoadColumn[] = [
  { name: "scope", type: "STRING" },
  { name: "setting", type: "STRING" },
  { name: "value", type: "STRING" },
];

/** Setting → value; the PII key and the channel list by a fingerprint only. */
export type HistorySettings = Record<string, string>;

/** What each setting is called in a log line, and whether its values may be shown. */
const SETTING_NAMES: Record<string, { label: string; shown: boolean }> = {
  shop_timezone: { label: "the shop's time zone", shown: true },
  pii_key_id: { label: "the PII hashing key", shown: false },
  channels_id: { label: "the channel list (sql/reference/channels.json)", shown: false },
  currency_places: { label: "the shop currency's decimals", shown: true },
  shop_currency: { label: "the shop's currency", shown: true },
};

/** Pure: the settings of a run. */
export function historySettings(values: {
  timezone: string;
  piiKeyId: string;
  channels: string;
  currencyPlaces: number;
  currency: string;
}): HistorySettings {
  return {
    shop_timezone: values.timezone,
    pii_key_id: values.piiKeyId,
    channels_id: createHash("sha256").update(values.channels).digest("hex").slice(0, 16),
    currency_places: String(values.currencyPlaces),
    shop_currency: values.currency,
  };
}

/**
 * Pure: each setting whose value differs between what the tables were built with and this run's, in words. A
 * setting the tables were saved without (an older version of the pipeline) is taken as unchanged.
 */
export function changedHistorySettings(built: HistorySettings, now: HistorySettings): string[] {
  return Object.entries(now).flatMap(([setting, value]) => {
    const before = built[setting];
    if (before === undefined || before === value) return [];
    const name = SETTING_NAMES[setting] ?? { label: setting, shown: false };
    return [name.shown ? `${name.label} (${before} → ${value})` : name.label];
  });
}

/** Pure: whether both hold the same settings with the same values. */
export function sameHistorySettings(first: HistorySettings, second: HistorySettings): boolean {
  const keys = Object.keys(first);
  return keys.length === Object.keys(second).length && keys.every((key) => first[key] === second[key]);
}

/** The settings the tables were last built with; empty before the first transform that saved them. */
export async function builtHistorySettings(
  warehouse: Warehouse,
  opsTables: readonly string[],
): Promise<HistorySettings> {
  if (!opsTables.includes(HISTORY_SETTINGS_TABLE)) return {};
  const rows = await warehouse.query<{ setting: string; value: string }>(
    readQuery("transform/history_settings"),
    {},
    { label: "settings the tables were built with", maxRows: 100 },
  );
  return Object.fromEntries(rows.map((row) => [row.setting, row.value]));
}

export async function saveHistorySettings(warehouse: Warehouse, settings: HistorySettings): Promise<void> {
  await warehouse.load({
    dataset: DATASETS.ops,
    table: HISTORY_SETTINGS_TABLE,
    columns: HISTORY_SETTING_COLUMNS,
    replaceWhere: { column: "scope", value: "models" },
    rows: Object.entries(settings).map(([setting, value]) => ({ scope: "models", setting, value })),
  });
}
