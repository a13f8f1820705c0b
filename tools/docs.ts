// npm run docs: writes the README's table of settings (between the options-table markers) from the options
// table (functions/shared/options.ts), and docs/extracts.md from the extracts' declaration
// (functions/shared/extract-schemas.json), so the documentation cannot drift from the code; tests check both.
import { readFile, writeFile } from "node:fs/promises";
import { EXTRACTS_DOC, formattedExtractsMarkdown } from "./extract-docs-file.ts";
import { optionsMarkdownTable } from "../functions/shared/options.ts";

const README = new URL("../README.md", import.meta.url);
const START = "<!-- options-table:start -->";
const END = "<!-- options-table:end -->";

const readme = await readFile(README, "utf8");
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
await writeFile(
  README,
  `${readme.slice(0, start + START.length)}\n\n${optionsMarkdownTable()}\n\n${readme.slice(end)}`,
);
process.stdout.write("README.md: options table regenerated\n");

await writeFile(EXTRACTS_DOC, await formattedExtractsMarkdown());
process.stdout.write("docs/extracts.md: regenerated from functions/shared/extract-schemas.json\n");
