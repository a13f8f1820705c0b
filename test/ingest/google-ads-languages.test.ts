// Google Ads reports downloaded by a user whose Google Ads speaks French or German: the columns are named in that
// language ("Jour, Campagne, Coût, Impr., Clics, Valeur de conv."; "Tag, Kampagne, Kosten (EUR), Impressionen,
// Klicks, Conv.-Wert"), the amounts written with a decimal comma and grouped thousands, the days day-first, and the
// summary rows read "Total : toutes les campagnes" or "Gesamt: Konto". Such a report was refused whole ("no known
// export header"), and the shop's Google Ads spend was missing. Each is checked through ingest and the transform
// against totals computed here from the file itself, with csv-parse.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  createHarness,
  dropThroughTransform,
  type Harness,
  onlyDropOutcome,
  stagedAdDays,
} from "./harness.ts";

const NBSP = "\u00a0";
const NNBSP = "\u202f";

/** Google Ads' "CSV" download: a title line, a date-range line, the header, the rows, summary rows. */
const FRENCH_REPORT = [
  "Rapport sur les groupes d'annonces",
  '"1 novembre 2026 - 21 novembre 2026"',
  "Jour,Campagne,Groupe d’annonces,Type de campagne,Coût,Impr.,Clics,Conversions,Valeur de conv.",
  `20/11/2026,Soldes d’hiver,Manteaux,Search,"12,50","1${NBSP}040",21,"1,00","49,90"`,
  `20/11/2026,Soldes d’hiver,Bottes,Search,"7,05",455,9,"0,00",--`,
  `21/11/2026,Soldes d’hiver,Manteaux,Search,"1${NNBSP}034,75","2${NNBSP}310",64,"3,00","312,40"`,
  `21/11/2026,Marque,Marque exacte,Search,"48,00","6${NBSP}102",35,"2,50","180,00"`,
  `Total : toutes les campagnes,,,,"1${NNBSP}102,30","9${NBSP}907",129,"6,50","542,30"`,
  "",
].join("\n");

/** Google Ads' "Excel CSV" download: UTF-16 with a byte-order mark, tab-separated. */
const GERMAN_REPORT = [
  "Bericht zu Kampagnen",
  "01.11.2026 - 21.11.2026",
  ["Tag", "Kampagne", "Kampagnentyp", "Kosten (EUR)", "Impressionen", "Klicks", "Conversions", "Conv.-Wert"],
  ["20.11.2026", "Winterschlussverkauf", "Suche", "1.234,56", "12.345", "410", "7,00", "2.980,10"],
  ["20.11.2026", "Marke", "Suche", "40,00", "1.600", "200", "14,00", "1.300,00"],
  ["21.11.2026", "Marke", "Suche", "38,00", "1.500", "190", "13,00", "1.200,00"],
  ["Gesamt: Konto", "", "", "1.312,56", "15.445", "800", "34,00", "5.480,10"],
  ["Gesamt: Kampagnen", "", "", "1.312,56", "15.445", "800", "34,00", "5.480,10"],
]
  .map((line) => (typeof line === "string" ? line : line.join("\t")))
  .join("\r\n");

const utf16WithBom = (text: string) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);

/** A French or German amount as a number: its grouping spaces or points dropped, its decimal comma a point. */
const localNumber = (text: string | undefined) => {
  const cleaned = (text ?? "").replace(/[\s\u00a0\u202f.]/g, "").replace(",", ".");
  return cleaned === "" || cleaned === "--" ? 0 : Number(cleaned);
};
/** "20/11/2026" or "20.11.2026" as 2026-11-20. */
const isoDay = (text: string) => text.replace(/^(\d{2})[/.](\d{2})[/.](\d{4})$/, "$3-$2-$1");

interface DayTruth {
  spendCents: number;
  impressions: number;
  clicks: number;
  valueCents: number;
  rows: number;
}

/** Each day's totals of a report, from its own rows: the header found by name, the summary rows left out. */
function truthOf(
  text: string,
  delimiter: string,
  columns: Record<keyof Omit<DayTruth, "rows"> | "day", string>,
) {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.split(delimiter).includes(columns.day));
  const records = parse(lines.slice(headerIndex).join("\n"), {
    columns: true,
    delimiter,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  const truth = new Map<string, DayTruth>();
  for (const record of records) {
    const day = record[columns.day] ?? "";
    if (!/^\d/.test(day)) continue;
    const entry = truth.get(isoDay(day)) ?? {
      spendCents: 0,
      impressions: 0,
      clicks: 0,
      valueCents: 0,
      rows: 0,
    };
    entry.spendCents += Math.round(localNumber(record[columns.spendCents]) * 100);
    entry.impressions += localNumber(record[columns.impressions]);
    entry.clicks += localNumber(record[columns.clicks]);
    entry.valueCents += Math.round(localNumber(record[columns.valueCents]) * 100);
    entry.rows += 1;
    truth.set(isoDay(day), entry);
  }
  return truth;
}

interface ReportCase {
  name: string;
  file: string;
  body: string | Uint8Array;
  text: string;
  delimiter: string;
  columns: Parameters<typeof truthOf>[2];
  env: Record<string, string>;
  rowsLoaded: number;
  currency: string;
  /** The campaigns and ad groups staged ("-" for a report without ad groups). */
  names: string[];
  /** Checks that keep the case from passing trivially: figures of the file computed by hand. */
  handChecked: (truth: Map<string, DayTruth>) => void;
}

const CASES: ReportCase[] = [
  {
    name: "a Google Ads report in French, its summary row 'Total : toutes les campagnes'",
    file: "google-ads-fr.csv",
    body: FRENCH_REPORT,
    text: FRENCH_REPORT,
    delimiter: ",",
    columns: {
      day: "Jour",
      spendCents: "Coût",
      impressions: "Impr.",
      clicks: "Clics",
      valueCents: "Valeur de conv.",
    },
    // The report names no currency: the shop's is the account's.
    env: { PULSE_CURRENCY: "EUR" },
    rowsLoaded: 4,
    currency: "EUR",
    // The ad group's column is the one whose name has a typographic apostrophe.
    names: ["Marque / Marque exacte", "Soldes d’hiver / Bottes", "Soldes d’hiver / Manteaux"],
    handChecked: (truth) => {
      // A thousand grouped by a narrow no-break space, and two days.
      assert.equal(truth.get("2026-11-21")?.spendCents, 108275);
      assert.equal(truth.size, 2);
    },
  },
  {
    name: "a Google Ads report in German, downloaded as Excel CSV (UTF-16, tabs), its summaries 'Gesamt: …'",
    file: "google-ads-de.csv",
    body: utf16WithBom(GERMAN_REPORT),
    text: GERMAN_REPORT,
    delimiter: "\t",
    columns: {
      day: "Tag",
      spendCents: "Kosten (EUR)",
      impressions: "Impressionen",
      clicks: "Klicks",
      valueCents: "Conv.-Wert",
    },
    // The shop's currency is not the account's: the cost column's name says EUR.
    env: {},
    rowsLoaded: 3,
    currency: "EUR",
    names: ["Marke / -", "Winterschlussverkauf / -"],
    handChecked: (truth) => {
      // Thousands grouped by points.
      assert.equal(truth.get("2026-11-20")?.spendCents, 127456);
      assert.equal(truth.get("2026-11-20")?.impressions, 13945);
    },
  },
];

for (const report of CASES) {
  describe(report.name, { timeout: 120_000 }, () => {
    let workDir: string;
    let warehouse: DuckDbWarehouse;
    const expected = truthOf(report.text, report.delimiter, report.columns);

    before(async () => {
      ({ workDir, warehouse } = await dropThroughTransform(
        `google-ads-${report.file}`,
        { [report.file]: report.body },
        report.env,
      ));
    });
    after(async () => {
      await warehouse.close();
      await rm(workDir, { recursive: true, force: true });
    });

    it("loads every row but the summaries, its amounts read with the decimal comma the file writes", async () => {
      assert.deepEqual(await onlyDropOutcome(workDir), [
        "loaded",
        "google_ads_report",
        report.rowsLoaded,
        0,
        ",",
      ]);
    });

    it("stages each day's spend, impressions, clicks and conversion value as the file has them", async () => {
      const staged = await stagedAdDays(warehouse, "stg_google_ads_campaign_stats");
      assert.deepEqual(
        staged.map((day) => [day.date, day.truth, day.currency]),
        [...expected].map(([day, truth]) => [day, truth, report.currency]),
      );
      report.handChecked(expected);
    });

    it("stages the campaigns and ad groups under the names the file gives them", async () => {
      const names = await warehouse.query<{ name: string }>(
        `SELECT DISTINCT CONCAT(campaign_name, ' / ', COALESCE(ad_group_name, '-')) AS name
         FROM staging.stg_google_ads_campaign_stats ORDER BY 1`,
      );
      assert.deepEqual(
        names.map((row) => row.name),
        report.names,
      );
    });
  });
}

describe("a French Google Ads campaign report of one day, without the day segment", () => {
  // Its date-range line, in French, is the one day its rows are of.
  const report = [
    "Rapport sur les campagnes",
    '"21 novembre 2026 - 21 novembre 2026"',
    "Campagne,Coût,Impr.,Clics",
    `Soldes d’hiver,"1${NNBSP}034,75","2${NNBSP}310",64`,
    `Marque,"48,00","6${NBSP}102",35`,
    `Total : toutes les campagnes,"1${NNBSP}082,75","8${NBSP}412",99`,
    "",
  ].join("\n");
  let harness: Harness;
  before(async () => {
    harness = await createHarness();
  });
  after(() => harness.close());

  it("lands each campaign on the day its date-range line names", async () => {
    const outcome = await harness.ingest("google-ads-fr-day.csv", report);
    assert.equal(outcome.manifest.status, "loaded", outcome.manifest.error ?? "");
    const rows = await harness.rows<{ day: string; campaign: string; micros: bigint }>(
      `SELECT CAST(segments_date AS VARCHAR) AS day, campaign_name AS campaign, metrics_cost_micros AS micros
       FROM raw.google_ads_campaign_stats ORDER BY campaign_name`,
    );
    assert.deepEqual(
      rows.map((row) => [row.day, row.campaign, Number(row.micros)]),
      [
        ["2026-11-21", "Marque", 48_000_000],
        ["2026-11-21", "Soldes d’hiver", 1_034_750_000],
      ],
    );
  });
});
