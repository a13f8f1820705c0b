// The ingest step's declared mappings (mappings/*.json), as README's File drops section writes them: its example
// mapping is read as written there, its options are the ones it lists, and a broken mapping is a warning finding
// naming the problem, never a failed run.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { loadMappings } from "../../functions/ingest/step.ts";

/** README's File drops section, up to the next section. */
async function fileDropsSection(): Promise<string> {
  const readme = await readFile("README.md", "utf8");
  const start = readme.indexOf("\n## File drops");
  assert.ok(start > 0, "README has a File drops section");
  return readme.slice(start, readme.indexOf("\n## ", start + 1));
}

describe("declared mappings for generic sales exports", () => {
  let dir: string;
  let bucket: FolderBucket;
  let example: Record<string, unknown>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-mappings-"));
    bucket = new FolderBucket(join(dir, "bucket"));
    const json = /```json\n([\s\S]*?)\n```/.exec(await fileDropsSection())?.[1];
    assert.ok(json, "the section shows a mapping");
    example = JSON.parse(json) as Record<string, unknown>;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const withMappings = async (files: Record<string, string>) => {
    await rm(join(dir, "bucket", "mappings"), { recursive: true, force: true });
    for (const [name, text] of Object.entries(files)) await bucket.write(`mappings/${name}`, text);
    return loadMappings(bucket);
  };

  it("reads the README's example mapping as written there", async () => {
    const { formats, findings } = await withMappings({ "wine-trade.json": JSON.stringify(example) });
    assert.deepEqual(findings, []);
    assert.equal(formats.length, 1);
  });

  it("accepts every option and date format the README lists, and 'auto' for the encoding and delimiter", async () => {
    const section = await fileDropsSection();
    const sentence = /`dateFormat` is one of ([^;]+);/.exec(section)?.[1] ?? "";
    const dateFormats = [...sentence.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? "");
    assert.equal(dateFormats.length, 6, sentence);
    const optional = /optional columns: ([^;]+);/.exec(section)?.[1] ?? "";
    const columns = [...optional.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? "");
    assert.equal(columns.length, 10, optional);
    const files: Record<string, string> = {};
    for (const [index, dateFormat] of dateFormats.entries()) {
      files[`m${index}.json`] = JSON.stringify({
        ...example,
        name: `m${index}`,
        encoding: "auto",
        delimiter: "auto",
        dateFormat,
        sheet: "Sales",
        match: ["N° facture"],
        columns: {
          orderId: "id",
          date: "day",
          amount: "total",
          ...Object.fromEntries(columns.map((name) => [name, `col ${name}`])),
        },
      });
    }
    const { formats, findings } = await withMappings(files);
    assert.deepEqual(
      findings.map((finding) => finding.message),
      [],
    );
    assert.equal(formats.length, dateFormats.length);
  });

  it("makes a broken mapping a warning finding naming the file and the problem, and reads the others", async () => {
    const { formats, findings } = await withMappings({
      "wine-trade.json": JSON.stringify(example),
      "two-digit-years.json": JSON.stringify({ ...example, name: "two-digit-years", dateFormat: "dd/mm/yy" }),
      "cut-short.json": '{"name": "cut-short", "columns": {',
      "notes.txt": "not a mapping: ignored",
    });
    assert.equal(formats.length, 1, "the good mapping is still read");
    assert.deepEqual(
      findings.map((finding) => [finding.check, finding.severity, finding.blocking, finding.subject]),
      [
        ["file_drop_mapping_invalid", "warning", false, "mappings/cut-short.json"],
        ["file_drop_mapping_invalid", "warning", false, "mappings/two-digit-years.json"],
      ],
    );
    assert.match(findings[0]?.message ?? "", /mappings\/cut-short\.json is not valid JSON/);
    assert.match(
      findings[1]?.message ?? "",
      /mappings\/two-digit-years\.json is not a valid mapping: dateFormat: /,
    );
  });
});
