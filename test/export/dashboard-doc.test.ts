// docs/dashboard.md against the code it describes: every extract has its data source, every field a chart or
// the calculated-fields table names is a declared column or the calculated field of one (with the declared
// formula), and the Linking API parameters it lists are exactly those `looker-url` prints.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { lookerLinks } from "../../functions/lib/looker-linking.ts";
import { calculatedFormula, EXTRACT_SCHEMAS, extractSchema } from "../../functions/shared/extract-schemas.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";

const DOC = await readFile(new URL("../../docs/dashboard.md", import.meta.url), "utf8");

/** The rows of the Markdown table that follows a heading, as trimmed cells. */
function tableAfter(heading: string): string[][] {
  const start = DOC.indexOf(heading);
  assert.ok(start >= 0, `docs/dashboard.md has "${heading}"`);
  const lines = DOC.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const ALL_COLUMNS = new Set(EXTRACT_SCHEMAS.flatMap((schema) => schema.columns.map((column) => column.name)));
const CALCULATED = new Set(
  EXTRACT_SCHEMAS.flatMap((schema) =>
    schema.columns.filter((column) => calculatedFormula(column)).map((column) => `${column.name}_all`),
  ),
);

describe("docs/dashboard.md", () => {
  it("names every extract", () => {
    for (const name of EXTRACT_NAMES) assert.ok(DOC.includes(`\`${name}\``), `${name} is in the dashboard`);
  });

  it("gives each `<column>_all` calculated field the declared formula of its data source", () => {
    const rows = tableAfter("## Calculated fields");
    const checked = rows.filter(([, field]) => /^`\w+_all`$/.test(field ?? ""));
    assert.ok(checked.length >= 10);
    for (const [source = "", field = "", formula = ""] of checked) {
      const column = extractSchema(source.replace(/`/g, "")).columns.find(
        (candidate) => `\`${candidate.name}_all\`` === field,
      );
      assert.ok(column, `${field} is a derived column of ${source}`);
      const declared = calculatedFormula(column);
      assert.ok(formula.startsWith(`\`${declared}\``), `${source} ${field}: ${formula} is not ${declared}`);
    }
  });

  it("charts only declared columns and calculated fields", () => {
    const pages = DOC.slice(DOC.indexOf("## Pages and charts"));
    const named = [...pages.matchAll(/`([a-z][a-z0-9_]*)`/g)].map((match) => match[1] ?? "");
    assert.ok(named.length > 50);
    const unknown = named.filter(
      (name) => !ALL_COLUMNS.has(name) && !CALCULATED.has(name) && !EXTRACT_NAMES.includes(name),
    );
    assert.deepEqual(unknown, []);
  });

  it("lists exactly the Linking API parameters `looker-url` prints", () => {
    const [link] = lookerLinks({
      bucket: "b",
      reportName: "r",
      extracts: ["daily_kpis"],
      templateReportId: "t12345",
    });
    const printed = [...new URL(link?.url ?? "").searchParams.keys()].map((name) =>
      name.replace(".daily_kpis.", ".<extract>."),
    );
    const documented = tableAfter("The parameters, as the Linking API documents them").map((row) =>
      (row[0] ?? "").replace(/`/g, ""),
    );
    assert.deepEqual(documented, printed);
  });
});
