// A Meta Ads Manager export made by a user whose Ads Manager speaks French: its columns are named in French
// ("Début des rapports", "Montant dépensé (EUR)", "Nom de l’ensemble de publicités" …) and its amounts written with a
// decimal comma. It was refused whole ("no known export header"), and a French shop's Meta spend was missing.
// Checked through ingest and the transform against totals computed here from the file itself, with csv-parse.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { dropThroughTransform } from "./harness.ts";

const NBSP = "\u00a0";
const FRENCH_EXPORT = [
  [
    "Début des rapports",
    "Fin des rapports",
    "Nom de la campagne",
    "Nom de l’ensemble de publicités",
    "Nom de la publicité",
    "Jour",
    "Couverture",
    "Impressions",
    "Montant dépensé (EUR)",
    "Clics sur un lien",
    "Achats",
    "Valeur de conversion des achats",
  ],
  [
    "2026-11-20",
    "2026-11-21",
    "Soldes d’hiver",
    "Femmes 25-45",
    "Visuel A",
    "2026-11-20",
    "812",
    "1040",
    "12,50",
    "21",
    "1",
    "49,90",
  ],
  [
    "2026-11-20",
    "2026-11-21",
    "Soldes d’hiver",
    "Femmes 25-45",
    "Visuel B",
    "2026-11-20",
    "390",
    "455",
    "7,05",
    "9",
    "",
    "",
  ],
  [
    "2026-11-20",
    "2026-11-21",
    "Soldes d’hiver",
    "Femmes 25-45",
    "Visuel A",
    "2026-11-21",
    "1975",
    "2310",
    `1${NBSP}034,75`,
    "64",
    "3",
    "312,40",
  ],
  [
    "2026-11-20",
    "2026-11-21",
    "Notoriété",
    "Large",
    "Vidéo",
    "2026-11-21",
    "5200",
    "6102",
    "48,00",
    "35",
    "",
    "",
  ],
]
  .map((row) => row.map((cell) => `"${cell}"`).join(","))
  .join("\n");

/** A French amount as a number: its grouping spaces dropped, its decimal comma a point. */
const frenchNumber = (text: string | undefined) =>
  Number((text ?? "0").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".") || 0);

describe("a Meta Ads Manager export in French", { timeout: 120_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;
  const expected = new Map<string, { spendCents: number; clicks: number; valueCents: number; ads: number }>();

  before(async () => {
    for (const row of parse(FRENCH_EXPORT, { columns: true }) as Record<string, string>[]) {
      const day = row.Jour ?? "";
      const entry = expected.get(day) ?? { spendCents: 0, clicks: 0, valueCents: 0, ads: 0 };
      entry.spendCents += Math.round(frenchNumber(row["Montant dépensé (EUR)"]) * 100);
      entry.clicks += frenchNumber(row["Clics sur un lien"]);
      entry.valueCents += Math.round(frenchNumber(row["Valeur de conversion des achats"]) * 100);
      entry.ads += 1;
      expected.set(day, entry);
    }
    ({ workDir, warehouse } = await dropThroughTransform("meta-french", { "meta-fr.csv": FRENCH_EXPORT }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("loads every row, its amounts read with the decimal comma the file writes", async () => {
    const bucket = new FolderBucket(join(workDir, "bucket"));
    const manifests = (await bucket.list("raw/manifest/")).filter((path) => path.endsWith(".json"));
    const manifest = JSON.parse(String(await bucket.read(manifests[0] ?? ""))) as Record<string, unknown>;
    assert.equal(manifests.length, 1);
    assert.deepEqual(
      [manifest.status, manifest.kind, manifest.rowsRead, manifest.rowsLoaded, manifest.rowsQuarantined],
      ["loaded", "meta_ads_export", 4, 4, 0],
    );
    assert.equal(manifest.decimalSeparator, ",");
  });

  it("stages each day's spend, clicks and purchase value as the file has them, in the account's currency", async () => {
    const rows = await warehouse.query<{
      date: string;
      spend: number;
      clicks: number;
      value: number;
      ads: bigint;
      currency: string;
      names: string;
    }>(
      `SELECT CAST(date AS STRING) AS date, CAST(SUM(spend) AS FLOAT64) AS spend, SUM(clicks) AS clicks,
         CAST(SUM(conversion_value) AS FLOAT64) AS value, COUNT(*) AS ads, MAX(currency) AS currency,
         STRING_AGG(CONCAT(campaign_name, ' / ', ad_group_name, ' / ', ad_name), '; ' ORDER BY ad_name) AS names
       FROM staging.stg_facebook_ads_insights GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      rows.map((row) => [
        row.date,
        Math.round(row.spend * 100),
        Number(row.clicks),
        Math.round(row.value * 100),
        Number(row.ads),
        row.currency,
      ]),
      [...expected].map(([day, truth]) => [
        day,
        truth.spendCents,
        truth.clicks,
        truth.valueCents,
        truth.ads,
        "EUR",
      ]),
    );
    // The names of the French columns are read: the ad set's too, whose apostrophe is Ads Manager's typographic one.
    assert.equal(
      rows[0]?.names,
      "Soldes d’hiver / Femmes 25-45 / Visuel A; Soldes d’hiver / Femmes 25-45 / Visuel B",
    );
    // Non-trivial: a grouped thousand and a day of several campaigns.
    assert.equal(expected.get("2026-11-21")?.spendCents, 108275);
  });
});
