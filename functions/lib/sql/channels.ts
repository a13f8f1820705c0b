// The marketing channels, declared once in sql/reference/channels.json. The models read the list through the
// @channels query parameter (staging.channels, the UTM rules of staging.stg_shopify_orders, and each ad platform's
// staging model, which check-sources runs before staging.channels is built); the checks, the
// deck and the email read it from here. Nothing else lists channels.
import { z } from "zod";
import type { SourceName } from "../../shared/raw-schemas.ts";
import { SOURCES } from "../../shared/sources.ts";
import { readSql } from "./sql-files.ts";

const ChannelSchema = z.object({
  channel: z.string().regex(/^[a-z_]+$/),
  label: z.string().min(1),
  /** The ad platform that reports the channel's spend: a paid channel has one. */
  source: z
    .custom<SourceName>(
      (value) => SOURCES.some((source) => source.name === value),
      "a source of shared/sources.ts",
    )
    .optional(),
  /** UTM sources (with a medium where it matters) that put an order in the channel. */
  utm_sources: z.array(z.object({ source: z.string().min(1), medium: z.string().min(1).optional() })),
  /** The channel of orders without a UTM source (exactly one channel). */
  without_utm_source: z.literal(true).optional(),
  /** The channel of orders whose UTM source no channel claims (exactly one channel). */
  unmatched_utm_source: z.literal(true).optional(),
});

export type Channel = z.infer<typeof ChannelSchema>;

/** Pure: the channel list from the text of channels.json; throws on a list the SQL could not read right. */
export function parseChannels(json: string): Channel[] {
  const { channels } = z
    .object({ description: z.string(), channels: z.array(ChannelSchema).min(1) })
    .parse(JSON.parse(json));
  const names = channels.map((channel) => channel.channel);
  if (new Set(names).size !== names.length) throw new Error("channels.json lists a channel twice");
  for (const flag of ["without_utm_source", "unmatched_utm_source"] as const) {
    if (channels.filter((channel) => channel[flag]).length !== 1)
      throw new Error(`channels.json must mark exactly one channel ${flag}`);
  }
  const rules = channels.flatMap((channel) =>
    channel.utm_sources.map((rule) => `${rule.source}/${rule.medium ?? "*"}`),
  );
  if (new Set(rules).size !== rules.length)
    throw new Error("channels.json gives one UTM source to two channels");
  // A source with a rule for any medium and one for a given medium: an order with that medium matches both.
  const anyMedium = new Set(rules.filter((rule) => rule.endsWith("/*")).map((rule) => rule.slice(0, -2)));
  const overlap = rules.find(
    (rule) => !rule.endsWith("/*") && anyMedium.has(rule.slice(0, rule.indexOf("/"))),
  );
  if (overlap)
    throw new Error(
      `channels.json gives UTM source "${overlap.slice(0, overlap.indexOf("/"))}" a rule for any medium and one for a given medium: an order could match both`,
    );
  return channels;
}

export const CHANNELS: readonly Channel[] = parseChannels(readSql("reference/channels.json"));

/** Channels whose spend an ad platform reports, in the list's order. */
export const PAID_CHANNELS: readonly string[] = CHANNELS.filter((channel) => channel.source).map(
  (channel) => channel.channel,
);

/** The channel of orders without a UTM source (direct and organic traffic). */
export const CHANNEL_WITHOUT_UTM_SOURCE: string =
  CHANNELS.find((channel) => channel.without_utm_source)?.channel ?? "";

export function channelLabel(channel: string): string {
  return CHANNELS.find((item) => item.channel === channel)?.label ?? channel;
}

export function channelOfSource(source: SourceName): string | undefined {
  return CHANNELS.find((item) => item.source === source)?.channel;
}

/**
 * The @channels parameter of the models: the list as JSON, with each paid channel's source label (the
 * explanations mart names the stale source) and whether it is paid, so the SQL needs no second list.
 */
export function channelsParam(): string {
  return JSON.stringify(
    CHANNELS.map((channel) => ({
      ...channel,
      is_paid_channel: channel.source !== undefined,
      source_label: SOURCES.find((source) => source.name === channel.source)?.label ?? null,
    })),
  );
}
