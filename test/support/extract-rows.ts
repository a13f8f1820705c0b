// Extract rows written as CSV lines in a test (no quoting: the fixtures' cells hold no commas), as the dashboard
// reads a parsed extract: every cell a string.
import type { ExtractRow } from "../../functions/report/dashboard-rows.ts";

export function rows(header: string, ...lines: string[]): ExtractRow[] {
  const columns = header.split(",");
  return lines.map((line) =>
    Object.fromEntries(line.split(",").map((cell, index) => [columns[index]!, cell])),
  );
}
