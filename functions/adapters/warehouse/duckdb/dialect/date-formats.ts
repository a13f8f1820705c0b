// FORMAT_DATE/PARSE_DATE format strings: BigQuery's elements as DuckDB strftime/strptime, or as SQL where
// DuckDB has no element for them.
import { quoteString } from "./nodes.ts";

// BigQuery format elements that DuckDB's strftime spells the same way.
const SAME_FORMAT_ELEMENTS = new Set("YmdbhaABjUWuwVGHIpMSTy%".split(""));
// Format elements DuckDB lacks or spells differently, as strftime fragments.
const FORMAT_ALIASES: Record<string, string> = {
  F: "%Y-%m-%d",
  D: "%m/%d/%y",
  x: "%m/%d/%y",
  R: "%H:%M",
  n: "\n",
  t: "\t",
};
// Format elements DuckDB's strftime cannot express at all, as SQL over the value.
const FORMAT_EXPRESSIONS: Record<string, (value: string) => string> = {
  // %e is the day of month padded with a space; DuckDB has no %e.
  e: (value) => `lpad(CAST(day(${value}) AS VARCHAR), 2, ' ')`,
  Q: (value) => `CAST(quarter(${value}) AS VARCHAR)`,
  C: (value) => `lpad(CAST(year(${value}) // 100 AS VARCHAR), 2, '0')`,
  // DuckDB's %g is milliseconds; BigQuery's is the ISO year without century.
  g: (value) => `lpad(CAST(isoyear(${value}) % 100 AS VARCHAR), 2, '0')`,
  k: (value) => `lpad(CAST(hour(${value}) AS VARCHAR), 2, ' ')`,
  l: (value) => `lpad(CAST((hour(${value}) + 11) % 12 + 1 AS VARCHAR), 2, ' ')`,
  s: (value) => `CAST(epoch_us(${value}) // 1000000 AS VARCHAR)`,
};

type FormatPiece = { strftime: string } | { expression: (value: string) => string };

export function parseFormat(
  format: string,
  forParsing: boolean,
  fail: (message: string) => never,
): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let current = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== "%") {
      current += ch;
      continue;
    }
    const element = format[i + 1] ?? "";
    i++;
    if (SAME_FORMAT_ELEMENTS.has(element)) current += `%${element}`;
    else if (FORMAT_ALIASES[element] !== undefined) current += FORMAT_ALIASES[element];
    else if (forParsing && (element === "e" || element === "k")) current += element === "e" ? "%d" : "%H";
    else if (!forParsing && FORMAT_EXPRESSIONS[element]) {
      if (current) pieces.push({ strftime: current });
      current = "";
      pieces.push({ expression: FORMAT_EXPRESSIONS[element] });
    } else fail(`format element %${element} is not supported`);
  }
  if (current || pieces.length === 0) pieces.push({ strftime: current });
  return pieces;
}

export function formatValue(format: string, value: string, fail: (message: string) => never): string {
  const pieces = parseFormat(format, false, fail).map((piece) =>
    "strftime" in piece ? `strftime(${value}, ${quoteString(piece.strftime)})` : piece.expression(value),
  );
  return pieces.length === 1 ? (pieces[0] as string) : `(${pieces.join(" || ")})`;
}
