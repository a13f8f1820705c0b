// Which time zones fit the UTC offsets a Shopify export writes on every timestamp ("2026-11-21 18:04:11 -0500").
// The shop's zone decides which day an order falls on; a wrong one puts evening orders on the next day. Pure.

/** One offset seen in a file, at one instant (UTC milliseconds). */
export interface OffsetObservation {
  atMs: number;
  offsetMinutes: number;
}

const SHOPIFY_INSTANT = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?\s?([+-])(\d{2}):?(\d{2})\b/;

/** The instant and offset of a timestamp with a numeric offset, or undefined (no offset, Z, or not a timestamp). */
export function offsetObservation(text: string | undefined): OffsetObservation | undefined {
  const match = text ? SHOPIFY_INSTANT.exec(text.trim()) : null;
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = match;
  const offsetMinutes = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const localMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (!Number.isFinite(localMs)) return undefined;
  return { atMs: localMs - offsetMinutes * 60_000, offsetMinutes };
}

/**
 * Keeps a bounded, representative set of observations: one per (UTC month, offset), which holds both sides of
 * every daylight-saving change, so a year of orders is about 26 points whatever the file's size.
 */
export class OffsetSampler {
  private readonly byKey = new Map<string, OffsetObservation>();

  add(observation: OffsetObservation | undefined): void {
    if (!observation) return;
    const month = new Date(observation.atMs).toISOString().slice(0, 7);
    const key = `${month}|${observation.offsetMinutes}`;
    if (!this.byKey.has(key)) this.byKey.set(key, observation);
  }

  addText(text: string | undefined): void {
    this.add(offsetObservation(text));
  }

  get observations(): OffsetObservation[] {
    return [...this.byKey.values()].sort((a, b) => a.atMs - b.atMs);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of `timeZone` at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(timeZone: string, atMs: number): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    formatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(atMs).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

export function zoneFits(timeZone: string, observations: readonly OffsetObservation[]): boolean {
  return observations.every(
    (observation) => zoneOffsetMinutes(timeZone, observation.atMs) === observation.offsetMinutes,
  );
}

/** Zones most shops mean, preferred when several zones share the same offsets. */
const USUAL_ZONES = [
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Anchorage",
  "Pacific/Honolulu",
  "America/Toronto",
  "America/Vancouver",
  "America/Halifax",
  "America/Mexico_City",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Dublin",
  "Europe/Lisbon",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Madrid",
  "Europe/Amsterdam",
  "Europe/Stockholm",
  "Europe/Athens",
  "Europe/Helsinki",
  "Europe/Istanbul",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Hong_Kong",
  "Asia/Shanghai",
  "Asia/Tokyo",
  "Asia/Seoul",
  "Australia/Perth",
  "Australia/Brisbane",
  "Australia/Sydney",
  "Australia/Melbourne",
  "Pacific/Auckland",
  "Africa/Johannesburg",
  "UTC",
];

export interface ZoneFit {
  /** Whether the configured zone gives every observed offset at its instant. */
  configuredFits: boolean;
  /** Zones that fit every observation, the most likely first (at most `limit`). */
  fitting: string[];
  /** The distinct offsets seen, as "-05:00". */
  offsets: string[];
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** How the configured zone and the other zones fit the observations; undefined when there are none. */
export function fitTimeZone(
  configured: string,
  observations: readonly OffsetObservation[],
  limit = 5,
): ZoneFit | undefined {
  if (!observations.length) return undefined;
  const offsets = [...new Set(observations.map((observation) => observation.offsetMinutes))]
    .sort((a, b) => a - b)
    .map(formatOffset);
  const configuredFits = zoneFits(configured, observations);
  const all = Intl.supportedValuesOf("timeZone");
  const candidates = [...USUAL_ZONES, ...all.filter((zone) => !USUAL_ZONES.includes(zone))];
  const fitting: string[] = [];
  if (configuredFits) fitting.push(configured);
  for (const zone of candidates) {
    if (fitting.length >= limit) break;
    if (zone !== configured && zoneFits(zone, observations)) fitting.push(zone);
  }
  return { configuredFits, fitting, offsets };
}
