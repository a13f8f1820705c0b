// The queries the steps run besides the models, extracts and audits: one file each under
// sql/queries/<area>/<name>.sql, BigQuery SQL like the models (so the ZetaSQL test analyses them), with every
// value bound as a named @parameter, never written into the text.
//
// A few queries run once per table or source (column profiles, source freshness). Those are templates: a
// `{{slot}}` stands where an identifier goes, and fillQuery only accepts, per slot kind,
//   {{table}}, {{column}}, {{date_column}}   a name (`dataset.table` or `column`), as the declared schemas have them;
//   {{event_date}}                           the event-day expression of a source declared in shared/sources.ts;
//   {{audit}}                                the text of an audit (sql/audits/ or generated from a model header);
//   {{model}}                                the text of a model (sql/<layer>/<name>.sql), as a query's subquery;
//   {{ad_days}}                              the text of ingest/ad_currency_days.sql (each raw ad row's day and
//                                            currency), as a subquery of the ingest queries that look for rates.
// Callers pass these from the code's own declarations; user data never reaches a slot, and a value that is not
// one of these is refused rather than quoted.
import { readSql } from "./sql-files.ts";
import { SOURCES } from "../../shared/sources.ts";
import { MODELS, modelPath } from "./models.ts";

export type QuerySlot = "table" | "column" | "date_column" | "event_date" | "audit" | "model" | "ad_days";

const NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const AUDIT_HEADER = /^--\s*Audit \((blocking|warning)\):/;

function acceptable(slot: QuerySlot, value: string): boolean {
  switch (slot) {
    case "table":
    case "column":
    case "date_column":
      return NAME.test(value);
    case "event_date":
      return SOURCES.some((source) => source.eventDateSql === value);
    case "audit":
      return AUDIT_HEADER.test(value);
    case "model":
      return MODELS.some((model) => readSql(modelPath(model)) === value);
    case "ad_days":
      return value === adCurrencyDays();
  }
}

/** The text of sql/queries/<name>.sql, e.g. "reporting/daily_kpis". */
export function readQuery(name: string): string {
  return readSql(`queries/${name}.sql`);
}

/** The text that fills an {{ad_days}} slot: each raw ad row's day and currency (ingest/ad_currency_days.sql). */
export function adCurrencyDays(): string {
  return readQuery("ingest/ad_currency_days");
}

/** The slots a query template leaves to fill. */
export function querySlots(sql: string): QuerySlot[] {
  return [...new Set([...sql.matchAll(/\{\{([a-z_]+)\}\}/g)].map((match) => match[1] as QuerySlot))];
}

/** Pure: a template with its slots filled; throws on a missing, unknown or unacceptable value (see above). */
export function fillQuery(sql: string, values: Partial<Record<QuerySlot, string>>): string {
  return sql.replace(/\{\{([a-z_]+)\}\}/g, (_, slot: string) => {
    const value = values[slot as QuerySlot];
    if (value === undefined) throw new Error(`query slot {{${slot}}} has no value`);
    if (!acceptable(slot as QuerySlot, value))
      throw new Error(`query slot {{${slot}}} refuses ${JSON.stringify(value.slice(0, 80))}`);
    return value;
  });
}

/** readQuery then fillQuery. */
export function queryTemplate(name: string, values: Partial<Record<QuerySlot, string>>): string {
  return fillQuery(readQuery(name), values);
}

/**
 * Pure: the DELETE of the rows a count query counts, from the same text after its FROM, so that what is counted
 * and what is deleted can never drift apart. `sql` is a `SELECT COUNT(*) AS row_count` followed by its FROM.
 */
export function deleteOfCount(sql: string): string {
  const from = /^SELECT COUNT\(\*\) AS row_count\s*\n(FROM\s[\s\S]*)$/m.exec(sql)?.[1];
  if (!from)
    throw new Error("not a count query: a line SELECT COUNT(*) AS row_count, then its FROM, expected");
  return `DELETE ${from}`;
}
