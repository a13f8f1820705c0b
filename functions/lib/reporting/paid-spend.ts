// Which paid channels' spend is known, for the deck's paid totals (spend, attributed revenue, ROAS, CPA). A paid
// channel's attributed revenue is the shop's own orders, by UTM, and always known; its spend is only what its ad
// platform reports. A shop that connects Meta alone still has orders tagged utm_source=tiktok (organic posts, or
// ads on a platform it has not connected): TikTok's revenue over Meta's spend would flatter the total's ROAS. So a
// total is over the channels whose ad platform reported something for the range (spend, impressions or clicks:
// the dashboard's "channels with spend"), less those whose platform had not landed on the run day (the run-day
// table's platformMissing); every channel left out keeps its own row, and the total's label names it. The email's
// channel lines read the same: a channel whose platform is not connected has spend n/a, not $0. Pure.
import type { ReportData } from "./report-data.ts";
import { CHANNELS, channelLabel } from "../sql/channels.ts";

/** The platform figures of a mart row (a day or a month of one channel). NULL reads as nothing reported. */
export interface PlatformFigures {
  spend: number | null;
  impressions: number | null;
  clicks: number | null;
}

/** Whether the rows carry anything the channel's ad platform reported: spend, impressions or clicks. */
export function hasPlatformData(rows: readonly PlatformFigures[]): boolean {
  return rows.some(
    (row) => Number(row.spend ?? 0) > 0 || Number(row.impressions ?? 0) > 0 || Number(row.clicks ?? 0) > 0,
  );
}

/**
 * Whether the shop has not connected the channel's ad platform: check-sources judges the freshness of the sources
 * the shop uses only (a source its settings mark unused has no status), as the deck's coverage slide reads them.
 * False when that is unknown (no statuses, e.g. an unreadable status file): the channel then reads "no spend
 * reported", which is true either way.
 */
export function notConnected(data: Pick<ReportData, "sources">, channel: string): boolean {
  const source = CHANNELS.find((item) => item.channel === channel)?.source;
  if (!source || data.sources.length === 0) return false;
  return !data.sources.some((status) => status.source === source);
}

/** Why a channel without platform data over a range has no spend to count: "not connected" or "no spend reported". */
export function noSpendReason(data: Pick<ReportData, "sources">, channel: string): string {
  return notConnected(data, channel) ? "not connected" : "no spend reported";
}

/** The label of a paid total that leaves channels out: "All paid channels but TikTok, Google Ads". */
export function paidTotalLabel(leftOut: readonly string[]): string {
  return leftOut.length ? `All paid channels but ${leftOut.join(", ")}` : "All paid channels";
}

/**
 * The note naming the paid channels a total leaves out for having no spend to count, one sentence per reason:
 * "Google Ads and TikTok have no spend to count (not connected): the paid total leaves out their attributed revenue
 * and orders." `leftOut`: what the total leaves out of each ("attributed revenue and orders"), or nothing when no
 * total is shown. One sentence a channel repeated itself for a shop that connects one platform of three.
 */
export function noSpendNote(
  data: Pick<ReportData, "sources">,
  channels: readonly string[],
  leftOut?: { one: string; many: string },
): string {
  const byReason = new Map<string, string[]>();
  for (const channel of channels) {
    const reason = noSpendReason(data, channel);
    byReason.set(reason, [...(byReason.get(reason) ?? []), channelLabel(channel)]);
  }
  return [...byReason]
    .map(([reason, labels]) => {
      const many = labels.length > 1;
      const named = many ? `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}` : (labels[0] ?? "");
      const total = leftOut ? `: the paid total leaves out ${many ? leftOut.many : leftOut.one}` : "";
      return `${named} ${many ? "have" : "has"} no spend to count (${reason})${total}.`;
    })
    .join(" ");
}
