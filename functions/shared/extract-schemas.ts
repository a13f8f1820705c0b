// The one declaration of the CSV extracts (extract-schemas.json): per extract its meaning, grain, source table
// and columns in CSV order, each with its BigQuery type, meaning and how Looker Studio may aggregate it. The
// export step, docs/extracts.md, the Looker Studio report link and the tests all read it from here.
import { currencyMinorUnits } from "../lib/currency.ts";
import declaration from "./extract-schemas.json" with { type: "json" };
import { EXTRACT_NAMES } from "./pipeline.ts";

export type ExtractColumnType = "DATE" | "STRING" | "INT64" | "FLOAT64" | "NUMERIC" | "BOOL";

interface ColumnBase {
  name: string;
  type: ExtractColumnType;
  meaning: string;
}

/**
 * How Looker may aggregate a column:
 * - dimension: group or filter by it;
 * - sum: additive, SUM over any rows;
 * - max: the same value repeated on several rows (MAX within them), never summed;
 * - none: no aggregation makes sense (ranks, distinct counts, shares of an outside total);
 * - ratio: numerator ÷ denominator per row, blank (never 0) where the denominator is 0 or blank, or where
 *   `requires_positive` is not > 0; over several rows only SUM(numerator) / SUM(denominator) is right;
 * - share: the row's numerator ÷ its sum over the rows with the same `within` values;
 * - change: (current − previous) ÷ previous, blank where previous is 0 or blank.
 */
/**
 * The places a ratio is rounded to: a number, or "currency" for an amount of money per order, customer or
 * conversion (AOV, CAC, CPA, revenue per customer), which the marts round to the shop currency's decimals
 * (`@currency_places`, ISO 4217: 2 for USD, 3 for KWD, 0 for JPY): one number would drop a dinar's fils or give
 * the yen decimals it does not have.
 */
export type DeclaredPlaces = number | "currency";

export type ExtractColumn =
  | (ColumnBase & { aggregation: "dimension" | "sum" | "max" | "none" })
  | (ColumnBase & {
      aggregation: "ratio";
      numerator: string;
      denominator: string;
      decimals: DeclaredPlaces;
      requires_positive?: string;
    })
  | (ColumnBase & { aggregation: "share"; numerator: string; within: string[]; decimals: number })
  | (ColumnBase & { aggregation: "change"; current: string; previous: string; decimals: number });

export interface CalculatedField {
  name: string;
  formula: string;
  meaning: string;
}

export interface ExtractSchema {
  name: string;
  description: string;
  grain: string;
  /** dataset.table the extract reads. */
  source: string;
  /** The source table may not exist (a feature that is off): the extract is then its header only. */
  optional_source?: boolean;
  columns: ExtractColumn[];
  /**
   * The DATE column (the first column and the first of the ORDER BY) by whose month the export step keeps the
   * extract's rows in chunks and re-queries only the months that changed; absent: the extract is one whole query.
   */
  month_chunks_by?: string;
  /** Looker calculated fields for metrics that have no column (ratios of sums over the extract's columns). */
  calculated_fields?: CalculatedField[];
}

const COLUMN_TYPES = new Set<string>(["DATE", "STRING", "INT64", "FLOAT64", "NUMERIC", "BOOL"]);
const AGGREGATIONS = new Set<string>(["dimension", "sum", "max", "none", "ratio", "share", "change"]);

/** Columns a column refers to (its ratio's parts, its share's numerator and partition, its change's parts). */
export function referencedColumns(column: ExtractColumn): string[] {
  switch (column.aggregation) {
    case "ratio":
      return [
        column.numerator,
        column.denominator,
        ...(column.requires_positive ? [column.requires_positive] : []),
      ];
    case "share":
      return [column.numerator, ...column.within];
    case "change":
      return [column.current, column.previous];
    default:
      return [];
  }
}

/** Declared places as a number: "currency" is `currencyPlaces`, the shop currency's decimals. */
export function resolvedPlaces(declared: DeclaredPlaces, currencyPlaces: number): number {
  return declared === "currency" ? currencyPlaces : declared;
}

/** The places a ratio, share or change column is rounded to in a shop whose currency is `currency` (ISO 4217). */
export function columnPlaces(
  column: Extract<ExtractColumn, { decimals: DeclaredPlaces }>,
  currency: string,
): number {
  return resolvedPlaces(column.decimals, currencyMinorUnits(currency));
}

/** Whether a declared `decimals` is one: a whole number of places from 0 to 9 (NUMERIC's), or "currency" on a ratio. */
function placesProblem(column: ExtractColumn): string | undefined {
  if (!("decimals" in column)) return undefined;
  const places: unknown = column.decimals;
  if (places === "currency")
    return column.aggregation === "ratio" ? undefined : `"currency" decimals on a ${column.aggregation}`;
  return Number.isInteger(places) && (places as number) >= 0 && (places as number) <= 9
    ? undefined
    : `decimals ${JSON.stringify(places)} is neither 0 to 9 nor "currency"`;
}

/** The column names inside SUM(…), COUNT(…) or IF(…) of a calculated field's formula. */
export function formulaColumns(formula: string): string[] {
  return [...formula.matchAll(/\b(?:SUM|COUNT|IF)\(\s*([a-z_][a-z0-9_]*)/g)].map((match) => match[1] ?? "");
}

/** Pure: every problem of a declaration (unknown types, dangling references, names not in pipeline.json). */
export function declarationProblems(schemas: readonly ExtractSchema[], names: readonly string[]): string[] {
  const problems: string[] = [];
  const declared = schemas.map((schema) => schema.name);
  if (declared.join(",") !== names.join(",")) {
    problems.push(`declared extracts ${declared.join(", ")} differ from pipeline.json's ${names.join(", ")}`);
  }
  for (const schema of schemas) {
    const columns = new Set(schema.columns.map((column) => column.name));
    if (columns.size !== schema.columns.length) problems.push(`${schema.name}: a column is declared twice`);
    if (schema.columns.at(-1)?.name !== "is_demo")
      problems.push(`${schema.name}: the last column is not is_demo`);
    for (const column of schema.columns) {
      const where = `${schema.name}.${column.name}`;
      if (!COLUMN_TYPES.has(column.type)) problems.push(`${where}: unknown type ${column.type}`);
      if (!AGGREGATIONS.has(column.aggregation))
        problems.push(`${where}: unknown aggregation ${column.aggregation}`);
      if (!column.meaning.trim()) problems.push(`${where}: no meaning`);
      for (const reference of referencedColumns(column)) {
        if (!columns.has(reference)) problems.push(`${where}: refers to ${reference}, not a column`);
      }
      const places = placesProblem(column);
      if (places) problems.push(`${where}: ${places}`);
    }
    if (schema.month_chunks_by !== undefined) {
      const first = schema.columns[0];
      if (first?.name !== schema.month_chunks_by || first.type !== "DATE")
        problems.push(
          `${schema.name}: month_chunks_by ${schema.month_chunks_by} is not its first column, a DATE`,
        );
    }
    for (const field of schema.calculated_fields ?? []) {
      for (const reference of formulaColumns(field.formula)) {
        if (!columns.has(reference))
          problems.push(`${schema.name} ${field.name}: ${reference} is not a column`);
      }
    }
  }
  return problems;
}

const SCHEMAS = Object.entries(declaration.extracts as Record<string, Omit<ExtractSchema, "name">>).map(
  ([name, schema]) => ({ name, ...schema }) as ExtractSchema,
);

const PROBLEMS = declarationProblems(SCHEMAS, EXTRACT_NAMES);
if (PROBLEMS.length > 0) throw new Error(`extract-schemas.json: ${PROBLEMS.join("; ")}`);

/** The extracts, in pipeline.json's order. */
export const EXTRACT_SCHEMAS: readonly ExtractSchema[] = SCHEMAS;

export function extractSchema(name: string): ExtractSchema {
  const found = SCHEMAS.find((schema) => schema.name === name);
  if (!found) throw new Error(`no extract ${name} is declared in extract-schemas.json`);
  return found;
}

/** The Looker Studio calculated field that aggregates a derived column right, or undefined for the others. */
export function calculatedFormula(column: ExtractColumn): string | undefined {
  switch (column.aggregation) {
    case "ratio":
      return `SUM(${column.numerator}) / SUM(${column.denominator})`;
    case "share":
      return `SUM(${column.numerator}), shown as "Percent of total" (comparison calculation) over ${column.within.join(", ")}`;
    case "change":
      return `(SUM(${column.current}) - SUM(${column.previous})) / SUM(${column.previous})`;
    default:
      return undefined;
  }
}
