// The ingest step's declared mappings (mappings/*.json), as docs/file-drops.md writes them: its example
// mapping is read as written there, its options are the ones it lists, and a broken mapping is a warning finding
// naming the problem, never a failed run. And the step's stock of the rows landed for the run date.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { loadMappings } from "../../functions/ingest/step.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";
import { insertRaw, openFixtureWarehouse, soapOrder } from "../support/sql-fixtures.ts";

/** docs/file-drops.md, the File drops section the README points to. */
async function fileDropsSection(): Promise<string> {
  const text = await readFile("docs/file-drops.md", "utf8");
  assert.ok(text.startsWith("# File drops"), "docs/file-drops.md opens with its title");
  return text;
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

  it("reads docs/file-drops.md's example mapping as written there", async () => {
    const { formats, findings } = await withMappings({ "wine-trade.json": JSON.stringify(example) });
    assert.deepEqual(findings, []);
    assert.equal(formats.length, 1);
  });

  it("accepts every option and date format docs/file-drops.md lists, and 'auto' for the encoding and delimiter", async () => {
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

describe("the ingest step's stock of the run date", () => {
  it("counts the raw rows whose event day, in the shop's time zone, is the run date", async () => {
    // README step table: ingest "takes stock of the rows landed for the run date". Orders around New York's
    // midnights, landed the morning after; which count is worked out here from the clock, not by the query.
    const workDir = await mkdtemp(join(tmpdir(), "pulse-ingest-stock-"));
    const config = loadConfig({
      env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: "America/New_York" },
      cwd: workDir,
    });
    const warehouse = await openFixtureWarehouse();
    try {
      const created = [
        "2026-11-21T04:30:00Z", // 23:30 on the 20th in New York
        "2026-11-21T05:30:00Z", // 00:30 on the 21st
        "2026-11-21T18:00:00Z",
        "2026-11-22T04:59:00Z", // 23:59 on the 21st
        "2026-11-22T05:01:00Z", // 00:01 on the 22nd
      ];
      await insertRaw(
        warehouse,
        "shopify_orders",
        created.map((at, index) => soapOrder(index + 1, at, "2026-11-22T07:00:00Z")),
      );
      const newYorkDay = (at: string) =>
        new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(at));
      const expected = created.filter((at) => newYorkDay(at) === "2026-11-21").length;
      assert.equal(expected, 3);
      // A Google Ads account of only Smart campaigns: its days are in campaign totals, two campaigns on the 21st.
      const smartDay = (day: string, campaign: number) => ({
        segments_date: day,
        customer_id: 1234567890,
        customer_currency_code: "USD",
        campaign_id: campaign,
        campaign_name: `Smart ${campaign}`,
        metrics_cost_micros: 5_000_000,
        _airbyte_raw_id: `smart-${day}-${campaign}`,
        _airbyte_extracted_at: "2026-11-22T07:00:00Z",
      });
      await insertRaw(warehouse, "google_ads_campaign_totals", [
        smartDay("2026-11-20", 1),
        smartDay("2026-11-21", 1),
        smartDay("2026-11-21", 2),
      ]);
      const report = await runLocally(
        config,
        parseRunMessage({
          runDate: "2026-11-21",
          runId: "stock",
          trigger: "manual",
          options: { to: "ingest" },
        }),
        {
          log: silentLogger(),
          warehouse,
          clock: { now: () => new Date("2026-11-22T12:00:00Z") },
          secrets: fixedSecrets(),
        },
      );
      const ingest = report.records.find((record) => record.step === "ingest");
      assert.equal(ingest?.status, "succeeded");
      assert.equal(ingest?.rows["raw.shopify_orders"], expected);
      assert.equal(ingest?.rows["raw.google_ads_campaign_totals"], 2);
      assert.equal(ingest?.rows["raw.google_ads_campaign_stats"], 0);
      // The fixture's warehouse has every raw table, all four sources': the summary names the two that landed rows,
      // each source's counted over all its tables (Google Ads' in campaign totals alone).
      assert.match(
        ingest?.summary ?? "",
        new RegExp(
          `^${expected + 2} raw rows landed for 2026-11-21 \\(Shopify ${expected}, Google Ads 2\\);`,
        ),
      );
    } finally {
      await warehouse.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
