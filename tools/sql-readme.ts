// Writes the "Models and their grain" table of sql/README.md from the model headers, so the README cannot
// disagree with the models: `npm run sql:readme`. test/tools/sql-readme.test.ts fails while it is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type ModelDefinition, MODELS } from "../functions/lib/sql/models.ts";
import { sqlPath } from "../functions/lib/sql/sql-files.ts";

const START = "<!-- models table: generated from the model headers by `npm run sql:readme` -->";
const END = "<!-- end of models table -->";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function partition(model: ModelDefinition): string {
  if (model.partitionColumn === undefined)
    return model.materialization === "merge" ? "— (merged by key)" : "— (rebuilt whole)";
  return model.partitionGrain === "month" ? `${model.partitionColumn} (monthly)` : model.partitionColumn;
}

/** Pure: the table, one row per model in build order. */
export function modelsTable(models: readonly ModelDefinition[]): string {
  const rows = models.map((model) => {
    const key = model.key.map((column) => `${column.name}${column.nullable ? "?" : ""}`).join(", ");
    return `| ${model.layer} | \`${model.name}\` | ${cell(model.grain)} | ${key} | ${partition(model)} |`;
  });
  return ["| layer | model | grain | key | partition |", "| --- | --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

/** Pure: the README with its models table replaced; throws when the markers are missing. */
export function withModelsTable(readme: string, models: readonly ModelDefinition[]): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`sql/README.md needs the lines ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n\n${modelsTable(models)}\n\n${readme.slice(end)}`;
}

export const README_PATH = sqlPath("README.md");

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").toString()) {
  writeFileSync(README_PATH, withModelsTable(readFileSync(README_PATH, "utf8"), MODELS));
}
