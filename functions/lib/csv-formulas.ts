// Spreadsheet formula injection in the CSV extracts, both ways: the export step neutralises a text cell that a
// spreadsheet would run as a formula (OWASP's advice: a leading apostrophe), and a reader of the extracts that
// is no spreadsheet (the dashboard page) shows the value as written, as the email and the deck do.
import { stripControlCharacters } from "./text-safety.ts";

/** Formula starts, the full-width ＝＋－＠ included (spreadsheets in CJK locales read them as formulas too). */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** A neutralised cell: the apostrophe neutraliseFormula put before a formula start. */
const NEUTRALISED = /^'(?=[=+\-@\t\r\uff1d\uff0b\uff0d\uff20])/;

/**
 * A text cell loses its control characters, and one that a spreadsheet would run as a formula gets a leading
 * apostrophe.
 */
export function neutraliseFormula(text: string): string {
  const clean = stripControlCharacters(text);
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}

/**
 * An extract's cell as the shop wrote it: the neutralising apostrophe taken off again. (A value that itself
 * began with an apostrophe and a formula start loses that apostrophe too: on a page, never in a spreadsheet.)
 */
export function shownAsWritten(cell: string): string {
  return cell.replace(NEUTRALISED, "");
}
