// `pulse init`: writes a new shop's settings file (name, time zone, currency, recipients, the sources it uses),
// validated by the options table, without questions (flags only). When Shopify exports already wait in the inbox,
// the time zone their timestamps' UTC offsets fit and the currency their orders are in are proposed, and used when
// no --timezone or --currency is given; the country of a given --timezone is the shop's main market when no
// --country is given.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { INBOX_PREFIX } from "../lib/bucket-layout.ts";
import { Columns } from "../ingest/format-spec.ts";
import { cleanCell } from "../ingest/parse-values.ts";
import { openRecords } from "../ingest/records.ts";
import { SHOPIFY_ORDERS } from "../ingest/shopify.ts";
import { fitTimeZone, OffsetSampler, type ZoneFit } from "../ingest/time-zone-fit.ts";
import { ConfigError, loadConfig, SETTINGS_FILE_NAME, SETTINGS_FILE_VERSION } from "../shared/config.ts";
import { SETTING_OPTIONS } from "../shared/options.ts";
import type { SourceName } from "../shared/raw-schemas.ts";
import { demoManifestPath } from "./demo-data.ts";

export const INIT_HELP = `Usage
  npm start -- init --shop-name NAME [--timezone ZONE] [--currency CODE] [--country CODE] [--locale LOCALE]
                    [--sources LIST] [--email-to LIST] [--work-dir DIR] [--force]

Writes <work-dir>/pulse.config.json for your shop. --sources lists the sources the shop uses, from
shopify, meta, google, tiktok (default: all four); the others raise no alert. Without --timezone, the zone
that the UTC offsets of the Shopify exports already in <work-dir>/bucket/raw/inbox/ fit is used, else
${String(SETTING_OPTIONS["shop.timezone"].default)}; without --currency, the currency most of their orders are in, else
${String(SETTING_OPTIONS["shop.currency"].default)}. --country is the shop's main market (ISO code such as DE; default: the
country of the --timezone given, as the tz database keeps it, e.g. FR for Europe/Paris, else
${String(SETTING_OPTIONS["shop.country"].default)}): its retail calendar explains Black Friday and holiday peaks. --force replaces an existing
settings file.`;

/** What --sources accepts, and the source each name means. */
export const SOURCE_ALIASES: Record<string, SourceName> = {
  shopify: "shopify",
  meta: "facebook_ads",
  facebook: "facebook_ads",
  facebook_ads: "facebook_ads",
  google: "google_ads",
  google_ads: "google_ads",
  tiktok: "tiktok_ads",
  tiktok_ads: "tiktok_ads",
};
const ALL_SOURCES: readonly SourceName[] = ["shopify", "facebook_ads", "google_ads", "tiktok_ads"];

export class InitUsageError extends Error {}

export interface InitInput {
  shopName?: string;
  timezone?: string;
  currency?: string;
  country?: string;
  locale?: string;
  sources?: string;
  emailTo?: string;
}

/** The country a time zone is kept for in the tz database (Europe/Paris: FR), or undefined (UTC, Etc/GMT+5). */
export type CountryOfZone = (timezone: string) => string | undefined;

/** What the Shopify exports already in the inbox propose, for the settings not given as flags. */
export interface InboxProposals {
  /** The first zone their timestamps' UTC offsets fit. */
  timezone?: string;
  /** The currency most of their orders are in. */
  currency?: string;
}

/**
 * Pure: the settings document of a new shop. The time zone and currency proposed from the inbox are used when
 * none is given; without --country, the shop's main market is the country of the time zone given (when it has
 * one), so that a shop in Paris gets the French retail calendar rather than the default US one.
 */
export function buildSettings(
  input: InitInput,
  proposed: InboxProposals = {},
  countryOfZone: CountryOfZone = () => undefined,
): Record<string, unknown> {
  if (!input.shopName?.trim())
    throw new InitUsageError("--shop-name is required (the name the email and deck show)");
  const used = new Set<SourceName>();
  for (const name of (input.sources ?? ALL_SOURCES.join(","))
    .split(",")
    .map((item) => item.trim().toLowerCase())) {
    if (!name) continue;
    const source = SOURCE_ALIASES[name];
    if (!source)
      throw new InitUsageError(`--sources: unknown source "${name}"; use shopify, meta, google, tiktok`);
    used.add(source);
  }
  if (!used.size) throw new InitUsageError("--sources must name at least one source");
  const unused = ALL_SOURCES.filter((source) => !used.has(source));
  const shop: Record<string, string> = { name: input.shopName.trim() };
  const timezone = input.timezone ?? proposed.timezone;
  if (timezone) shop.timezone = timezone;
  const currency = input.currency ?? proposed.currency;
  if (currency) shop.currency = currency.toUpperCase();
  // Only a zone the user gave: one proposed from the exports' offsets is a guess among zones of several countries
  // (+01:00 in winter, +02:00 in summer fits Paris, Berlin, Madrid and Amsterdam alike).
  const country = input.country ?? (input.timezone ? countryOfZone(input.timezone) : undefined);
  if (country) shop.country = country.toUpperCase();
  if (input.locale) shop.locale = input.locale;
  const settings: Record<string, unknown> = { version: SETTINGS_FILE_VERSION, shop };
  if (input.emailTo)
    settings.email = {
      to: input.emailTo
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    };
  if (unused.length)
    settings.quality = {
      sources: Object.fromEntries(unused.map((source) => [source, { expected: false }])),
    };
  return settings;
}

/** How many orders of each currency the Shopify orders exports in the inbox hold (each export's first 100,000 rows). */
export type CurrencyCounts = Map<string, number>;

/** What init reads of the exports already in the inbox, each file read once. */
export interface InboxSurvey {
  /** The UTC offsets on the timestamps of the text files (the first 32 MB of each), sampled. */
  offsets: OffsetSampler;
  currencies: CurrencyCounts;
}

const OFFSET_TEXT_BYTES = 32 * 1024 * 1024;
const CURRENCY_ROWS_READ = 100_000;

export async function surveyInbox(inboxDir: string): Promise<InboxSurvey> {
  const survey: InboxSurvey = { offsets: new OffsetSampler(), currencies: new Map() };
  const entries = await readdir(inboxDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const bytes = await readFile(join(entry.parentPath, entry.name));
    const text = bytes.subarray(0, OFFSET_TEXT_BYTES).toString("latin1");
    for (const match of text.matchAll(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?\s?[+-]\d{2}:?\d{2}\b/g))
      survey.offsets.addText(match[0]);
    await countOrderCurrencies(bytes, survey.currencies);
  }
  return survey;
}

/**
 * Adds the currencies of a Shopify orders export's orders (CSV or XLSX, any encoding the ingest reads), counted on
 * each order's first row, the one Shopify writes the order's columns on. Another file, or one that cannot be read
 * (the run's ingest will say why), counts nothing.
 */
async function countOrderCurrencies(bytes: Buffer, counts: CurrencyCounts): Promise<void> {
  try {
    const { records } = await openRecords(Readable.from([bytes]));
    let header: Columns | undefined;
    let read = 0;
    for await (const record of records) {
      if (!header) {
        header = new Columns(record.cells);
        if (!SHOPIFY_ORDERS.matches(header)) return;
        continue;
      }
      if (++read > CURRENCY_ROWS_READ) return;
      const currency = cleanCell(header.cell(record, "Currency")).toUpperCase();
      if (/^[A-Z]{3}$/.test(currency)) counts.set(currency, (counts.get(currency) ?? 0) + 1);
    }
  } catch {
    // Unreadable here is unreadable to the ingest too, which names the file, line and column when it runs.
  }
}

/** The currencies counted, most orders first; of a tie, alphabetically, so that init is repeatable. */
function byOrders(counts: CurrencyCounts): [string, number][] {
  return [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
}

/** Pure: the currency most orders are in. */
export function mainCurrency(counts: CurrencyCounts): string | undefined {
  return byOrders(counts)[0]?.[0];
}

/** "EUR (1,204 orders), USD (3 orders)": the currencies counted, most orders first. */
function currencyList(counts: CurrencyCounts): string {
  return byOrders(counts)
    .map(([code, orders]) => `${code} (${orders.toLocaleString("en-US")} order${orders === 1 ? "" : "s"})`)
    .join(", ");
}

/**
 * Pure: what init says of the time zone it writes: the one the exports' offsets fit, a warning when a given zone
 * (or every zone) does not fit them, or the default, so that a shop learns it before the first run's offsets
 * warning (or at all, without exports that write offsets). Nothing when a given zone fits.
 */
export function zoneNotice(given: string | undefined, fit: ZoneFit | undefined): string | undefined {
  const offsets = fit?.offsets.join(", ");
  if (given)
    return fit && !fit.configuredFits
      ? `WARNING: the exports in the inbox write UTC offsets ${offsets}, which ${given} does not give; they fit ${fit.fitting.join(", ") || "no known zone"}. Orders near midnight would land on the wrong day.`
      : undefined;
  const proposed = fit?.fitting[0];
  if (proposed)
    return `Time zone ${proposed}: the one the UTC offsets (${offsets}) of the exports in the inbox fit.`;
  const zone = String(SETTING_OPTIONS["shop.timezone"].default);
  return fit
    ? `WARNING: the exports in the inbox write UTC offsets ${offsets}, which no time zone gives at their dates; ${zone} is written: set the shop's with --timezone (e.g. --timezone Europe/Paris).`
    : `Time zone: ${zone}; a shop elsewhere sets --timezone (e.g. --timezone Europe/Paris).`;
}

/**
 * Pure: what init says of the currency it writes: the one the exports' orders are in (and the others, if any), a
 * warning when a given currency is not all of theirs, or the default and how to set another.
 */
export function currencyNotice(given: string | undefined, currencies: CurrencyCounts): string | undefined {
  const proposed = mainCurrency(currencies);
  const list = currencyList(currencies);
  const written = given?.toUpperCase();
  if (written && proposed && (currencies.size > 1 || proposed !== written))
    return `WARNING: the orders of the Shopify exports in the inbox are in ${list}; those not in ${written} would be added up as ${written}, with a warning in each run whose days hold them.`;
  if (proposed)
    return currencies.size === 1
      ? `Currency ${proposed}: the one the orders of the Shopify exports in the inbox are in (${list}).`
      : `Currency ${proposed}: the orders of the Shopify exports in the inbox are in ${list}; those in another currency would be added up as ${proposed}, with a warning in each run whose days hold them (--currency sets another).`;
  if (!given)
    return `Currency: ${String(SETTING_OPTIONS["shop.currency"].default)}; a shop that sells in another currency sets --currency (e.g. --currency EUR).`;
  return undefined;
}

export async function runInit(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  write: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "shop-name": { type: "string" },
      timezone: { type: "string" },
      currency: { type: "string" },
      country: { type: "string" },
      locale: { type: "string" },
      sources: { type: "string" },
      "email-to": { type: "string" },
      "work-dir": { type: "string" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    write(INIT_HELP);
    return 0;
  }
  const flags = values["work-dir"] ? { "work-dir": values["work-dir"] } : {};
  // Only the work dir matters here: an existing settings file is not read (init replaces it).
  const { workDir, local } = loadConfig({
    env: { PULSE_WORK_DIR: env.PULSE_WORK_DIR, PULSE_SETTINGS: '{"version": 1}' },
    flags,
    cwd,
  });
  const file = join(workDir, SETTINGS_FILE_NAME);
  if (existsSync(demoManifestPath({ workDir })))
    throw new InitUsageError(
      `${workDir} holds the generated demo shop; set your shop up in another work dir (--work-dir DIR) so the two never mix`,
    );
  if (existsSync(file) && !values.force)
    throw new InitUsageError(`${file} already exists; --force replaces it`);

  const inbox = join(local.bucketDir, INBOX_PREFIX);
  const survey = await surveyInbox(inbox);
  const observations = survey.offsets.observations;
  const fit: ZoneFit | undefined = fitTimeZone(
    values.timezone ?? String(SETTING_OPTIONS["shop.timezone"].default),
    observations,
  );
  const proposed = fit?.fitting[0];
  const proposedCurrency = mainCurrency(survey.currencies);
  const settings = buildSettings(
    {
      shopName: values["shop-name"],
      timezone: values.timezone,
      currency: values.currency,
      country: values.country,
      locale: values.locale,
      sources: values.sources,
      emailTo: values["email-to"],
    },
    { timezone: proposed, currency: proposedCurrency },
    await tzDatabaseCountries(),
  );
  // Validated through the options table, as any start would read it.
  const text = `${JSON.stringify(settings, null, 2)}\n`;
  try {
    loadConfig({ env: { PULSE_SETTINGS: text }, cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new InitUsageError(error.message.replaceAll("$PULSE_SETTINGS", "the settings init would write"));
  }

  await mkdir(inbox, { recursive: true });
  await writeFile(file, text);
  write(`Wrote ${file}`);
  for (const notice of [zoneNotice(values.timezone, fit), currencyNotice(values.currency, survey.currencies)])
    if (notice) write(notice);
  if (!values.country) {
    // Without --country the written country is the given zone's (buildSettings), else the default applies.
    const { country } = settings.shop as { country?: string };
    const market = country
      ? `${country}, the country of ${values.timezone ?? ""}`
      : String(SETTING_OPTIONS["shop.country"].default);
    write(
      `Retail calendar: ${market} (Black Friday, holidays); a shop whose main market is elsewhere sets --country (e.g. --country ${country === "DE" ? "FR" : "DE"}).`,
    );
  }
  write(`Drop your exports in ${inbox} and run: npm start -- --work-dir ${workDir} --date YYYY-MM-DD`);
  return 0;
}

/**
 * The country the tz database keeps each time zone for, as countries-and-timezones ships it; imported by init only,
 * so that the command line's other paths never load its tables.
 */
async function tzDatabaseCountries(): Promise<CountryOfZone> {
  const { getCountryForTimezone } = await import("countries-and-timezones");
  return (timezone) => getCountryForTimezone(timezone)?.id;
}

export function isInitUsageError(error: unknown): boolean {
  return error instanceof InitUsageError || error instanceof ConfigError;
}
