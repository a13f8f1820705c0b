// docs/extracts.md, generated from the one declaration of the extracts (functions/shared/extract-schemas.json) by
// `npm run docs`: a test fails while the committed file differs from what this renders.
import {
  calculatedFormula,
  type DeclaredPlaces,
  type ExtractColumn,
  type ExtractSchema,
  EXTRACT_SCHEMAS,
} from "../shared/extract-schemas.ts";
import { SETTING_OPTIONS } from "../shared/options.ts";
import { extractPath, latestExtractPath } from "./bucket-layout.ts";
import { currencyMinorUnits } from "./currency.ts";

/** Looker Studio's field type for a column's CSV text. */
const LOOKER_TYPES: Record<ExtractColumn["type"], string> = {
  DATE: "Date",
  STRING: "Text",
  INT64: "Number",
  FLOAT64: "Number",
  NUMERIC: "Number",
  BOOL: "Boolean",
};

function aggregationText(column: ExtractColumn): string {
  switch (column.aggregation) {
    case "dimension":
      return "dimension";
    case "sum":
      return "SUM";
    case "max":
      return "MAX (repeated value), never SUM";
    case "none":
      return "none (see meaning)";
    default:
      return `never SUM or AVG: calculated field \`${column.name}_all\``;
  }
}

/**
 * The places a derived column is rounded to. The file is one for every shop, so an amount per order or customer
 * names the rule, with the default currency's places as the example.
 */
function placesText(places: DeclaredPlaces): string {
  if (places !== "currency") return `${places} decimals`;
  const currency = String(SETTING_OPTIONS["shop.currency"].default);
  return `the currency's decimals (${currencyMinorUnits(currency)} for ${currency})`;
}

/** "Rounded: `aov`, `cac` to the currency's decimals (2 for USD); `blended_roas`, `mer` to 4 decimals." */
function roundingLine(schema: ExtractSchema): string[] {
  const byPlaces = new Map<string, string[]>();
  for (const column of schema.columns) {
    if (!("decimals" in column)) continue;
    const text = placesText(column.decimals);
    byPlaces.set(text, [...(byPlaces.get(text) ?? []), `\`${column.name}\``]);
  }
  if (byPlaces.size === 0) return [];
  const parts = [...byPlaces].map(([text, columns]) => `${columns.join(", ")} to ${text}`);
  return [`- Rounded: ${parts.join("; ")}.`];
}

/** Table cells keep their pipes and line breaks out of the Markdown table. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function calculatedRows(schema: ExtractSchema): string[] {
  const rows = schema.columns.flatMap((column) => {
    const formula = calculatedFormula(column);
    return formula === undefined
      ? []
      : [`| \`${column.name}_all\` | \`${cell(formula)}\` | ${cell(column.meaning)} |`];
  });
  for (const field of schema.calculated_fields ?? []) {
    rows.push(`| ${cell(field.name)} | \`${cell(field.formula)}\` | ${cell(field.meaning)} |`);
  }
  return rows;
}

function extractSection(schema: ExtractSchema): string[] {
  const calculated = calculatedRows(schema);
  return [
    `## ${schema.name}`,
    "",
    schema.description,
    "",
    `- Grain: ${schema.grain}.`,
    `- Source: \`${schema.source}\`${schema.optional_source ? " (may not exist: then the CSV is its header only)" : ""}; query \`sql/extracts/${schema.name}.sql\`.`,
    `- Files: \`${latestExtractPath(schema.name)}\` (latest run), \`${extractPath(schema.name, "YYYY-MM-DD")}\` (each run date).`,
    ...roundingLine(schema),
    "",
    "| # | column | type | Looker type | aggregate | meaning |",
    "| --- | --- | --- | --- | --- | --- |",
    ...schema.columns.map(
      (column, index) =>
        `| ${index + 1} | \`${column.name}\` | ${column.type} | ${LOOKER_TYPES[column.type]} | ${aggregationText(column)} | ${cell(column.meaning)} |`,
    ),
    "",
    ...(calculated.length > 0
      ? [
          "Calculated fields (add them to the Looker Studio data source):",
          "",
          "| field | formula | meaning |",
          "| --- | --- | --- |",
          ...calculated,
          "",
        ]
      : []),
  ];
}

/** The whole of docs/extracts.md. */
export function extractsMarkdown(schemas: readonly ExtractSchema[] = EXTRACT_SCHEMAS): string {
  return [
    "# Looker Studio extracts",
    "",
    "<!-- Generated from functions/shared/extract-schemas.json by `npm run docs`: edit the declaration, not this file. -->",
    "",
    "The export step writes one CSV per extract and run date, and replaces `extracts/latest/<name>.csv` (what",
    "Looker Studio reads) once the dated file is whole. CSV: UTF-8, comma-separated, a header row with the",
    "columns below in this order, dates as `YYYY-MM-DD`, booleans as `true`/`false`, and an empty cell for NULL",
    "(missing or undefined, never written as 0). Columns are only ever added (before `is_demo`, the last one),",
    "never renamed or reordered. docs/dashboard.md lays out the report built on them.",
    "",
    "Aggregation: a `dimension` groups or filters; `SUM` adds up over any rows; `MAX` is a value repeated on",
    "several rows. A ratio, share or change column is right on its own row only: Looker's SUM or AVG of it over",
    "several rows is wrong, so its numerator and denominator are columns too (a share's denominator is its",
    "numerator summed over the month), and the calculated field that aggregates it right is given below",
    "(named `<column>_all`: `SUM(numerator) / SUM(denominator)`). Each is rounded to the places its extract names: an",
    "amount of money per order or customer (AOV, CAC, CPA) to the shop currency's decimals (ISO 4217: 2 for USD,",
    "3 for KWD, 0 for JPY; `shop.currency`), as the marts round it, so a dinar's fils are kept and a yen has none.",
    "A ratio is empty where it is undefined (its denominator is 0 or empty; CPA and CAC also without spend),",
    "never 0; a 0 is a true zero.",
    "",
    "| extract | grain | source |",
    "| --- | --- | --- |",
    ...schemas.map(
      (schema) => `| [${schema.name}](#${schema.name}) | ${cell(schema.grain)} | \`${schema.source}\` |`,
    ),
    "",
    ...schemas.flatMap(extractSection),
  ].join("\n");
}
