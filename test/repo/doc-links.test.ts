// The documentation's links lead somewhere: every relative link in the README and the docs names a file of the
// repository, and every #anchor a heading of the file it points into, as GitHub renders them. The README's
// "Where to read on" table sends a newcomer to sections and files by these links.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOCUMENTS = [
  "README.md",
  "docs/running.md",
  "docs/outputs.md",
  "docs/file-drops.md",
  "docs/connectors.md",
  "docs/reliability.md",
  "docs/late-data.md",
  "docs/extracts.md",
  "docs/dashboard.md",
  "docs/airbyte.md",
  "infra/README.md",
  "sql/README.md",
];

/**
 * GitHub's anchor for a heading: its text (code spans' backticks gone) in lower case, every character but letters,
 * digits, underscores, hyphens and spaces dropped, each space a hyphen.
 */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\s-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) anchors.add(headingAnchor(heading[1] as string));
  }
  return anchors;
}

/** The [text](target) links outside code, with their line numbers. */
function linksOf(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  let fenced = false;
  markdown.split("\n").forEach((line, index) => {
    if (line.startsWith("```")) fenced = !fenced;
    if (fenced) return;
    const outsideCode = line.replace(/`[^`]*`/g, "");
    for (const match of outsideCode.matchAll(/\]\(([^)\s]+)\)/g))
      links.push({ target: match[1] as string, line: index + 1 });
  });
  return links;
}

describe("the documentation's links", () => {
  it("makes GitHub's anchors of headings", () => {
    assert.equal(headingAnchor("Extracts for Looker Studio"), "extracts-for-looker-studio");
    assert.equal(headingAnchor("Models and metrics glossary"), "models-and-metrics-glossary");
    assert.equal(headingAnchor("Setting up a shop: `init`"), "setting-up-a-shop-init");
    assert.equal(headingAnchor("The deck's story"), "the-decks-story");
    assert.equal(headingAnchor("Ad spend in another currency"), "ad-spend-in-another-currency");
    assert.equal(headingAnchor("daily_kpis"), "daily_kpis");
    assert.equal(headingAnchor("Event-driven local mode"), "event-driven-local-mode");
  });

  for (const document of DOCUMENTS) {
    it(`${document}: every relative link names a file of the repository and a heading there`, () => {
      const markdown = readFileSync(join(ROOT, document), "utf8");
      const broken: string[] = [];
      for (const { target, line } of linksOf(markdown)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path, anchor] = target.split("#") as [string, string | undefined];
        const file = path === "" ? join(ROOT, document) : join(ROOT, dirname(document), path);
        if (!existsSync(file)) {
          broken.push(`${document}:${line}: ${target} (no file ${relative(ROOT, file)})`);
          continue;
        }
        if (
          anchor !== undefined &&
          file.endsWith(".md") &&
          !anchorsOf(readFileSync(file, "utf8")).has(anchor)
        )
          broken.push(`${document}:${line}: ${target} (no heading #${anchor} in ${relative(ROOT, file)})`);
      }
      assert.deepEqual(broken, []);
    });
  }

  it("sends a newcomer from the README's Quick start to every section and document it lists", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const quickStart = readme.split("\n## How it works")[0] as string;
    const targets = new Set(linksOf(quickStart).map((link) => link.target));
    for (const document of DOCUMENTS.filter((name) => name !== "README.md"))
      assert.ok(targets.has(document), `the Quick start links ${document}`);
    const sections = [...readme.matchAll(/^## (.*)$/gm)].map((match) => headingAnchor(match[1] as string));
    for (const section of sections.filter((anchor) => anchor !== "quick-start"))
      assert.ok(targets.has(`#${section}`), `the Quick start links the README's section #${section}`);
  });
});
