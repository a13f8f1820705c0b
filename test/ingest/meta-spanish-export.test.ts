// A Meta Ads Manager export made by a user whose Ads Manager speaks Spanish (a Mexican shop's): its columns are
// named in Spanish ("Inicio del informe", "Importe gastado (MXN)", "Nombre del conjunto de anuncios" …) and its
// amounts written as Mexico writes them ("1,034.75"). It was refused whole ("no known export header"), and the
// shop's Meta spend was missing. Checked through ingest and the transform against totals computed here from the
// file itself, with csv-parse.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { dropThroughTransform, onlyDropOutcome, stagedAdDays } from "./harness.ts";

const HEADER = [
  "Inicio del informe",
  "Fin del informe",
  "Nombre de la campaña",
  "Nombre del conjunto de anuncios",
  "Nombre del anuncio",
  "Día",
  "Alcance",
  "Impresiones",
  "Importe gastado (MXN)",
  "Clics en el enlace",
  "Compras",
  "Valor de conversión de compras",
];
const ROWS = [
  [
    "2026-11-20",
    "2026-11-21",
    "Buen Fin",
    "Mujeres 25-45",
    "Video A",
    "2026-11-20",
    "812",
    "1,040",
    "212.50",
    "21",
    "1",
    "849.90",
  ],
  [
    "2026-11-20",
    "2026-11-21",
    "Buen Fin",
    "Mujeres 25-45",
    "Video B",
    "2026-11-20",
    "390",
    "455",
    "87.05",
    "9",
    "",
    "",
  ],
  [
    "2026-11-20",
    "2026-11-21",
    "Buen Fin",
    "Mujeres 25-45",
    "Video A",
    "2026-11-21",
    "1,975",
    "2,310",
    "1,034.75",
    "64",
    "3",
    "3,312.40",
  ],
  [
    "2026-11-20",
    "2026-11-21",
    "Marca",
    "Amplio",
    "Carrusel",
    "2026-11-21",
    "5,200",
    "6,102",
    "648.00",
    "35",
    "2",
    "1,180.00",
  ],
];
const SPANISH_EXPORT = [HEADER, ...ROWS].map((row) => row.map((cell) => `"${cell}"`).join(",")).join("\n");

/** A Mexican amount as a number: its grouping commas dropped. */
const mexicanNumber = (text: string | undefined) => Number((text ?? "").replace(/,/g, "") || 0);

describe("a Meta Ads Manager export in Spanish", { timeout: 120_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;
  const expected = new Map<
    string,
    { spendCents: number; impressions: number; clicks: number; valueCents: number }
  >();

  before(async () => {
    for (const row of parse(SPANISH_EXPORT, { columns: true }) as Record<string, string>[]) {
      const day = row["Día"] ?? "";
      const entry = expected.get(day) ?? { spendCents: 0, impressions: 0, clicks: 0, valueCents: 0 };
      entry.spendCents += Math.round(mexicanNumber(row["Importe gastado (MXN)"]) * 100);
      entry.impressions += mexicanNumber(row.Impresiones);
      entry.clicks += mexicanNumber(row["Clics en el enlace"]);
      entry.valueCents += Math.round(mexicanNumber(row["Valor de conversión de compras"]) * 100);
      expected.set(day, entry);
    }
    ({ workDir, warehouse } = await dropThroughTransform(
      "meta-spanish",
      { "meta-es.csv": SPANISH_EXPORT },
      { PULSE_CURRENCY: "MXN" },
    ));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("loads every row, its amounts read with the decimal point the file writes", async () => {
    assert.deepEqual(await onlyDropOutcome(workDir), ["loaded", "meta_ads_export", 4, 0, "."]);
  });

  it("stages each day's spend, impressions, clicks and purchase value as the file has them, in pesos", async () => {
    const staged = await stagedAdDays(warehouse, "stg_facebook_ads_insights");
    assert.deepEqual(
      staged.map(({ date, truth: { rows: _rows, ...figures }, currency }) => [date, figures, currency]),
      [...expected].map(([day, truth]) => [day, truth, "MXN"]),
    );
    // Non-trivial: thousands grouped by commas, and a day of two campaigns.
    assert.equal(expected.get("2026-11-21")?.spendCents, 168275);
  });

  it("reads the campaigns', ad sets' and ads' names", async () => {
    const names = await warehouse.query<{ name: string }>(
      `SELECT DISTINCT CONCAT(campaign_name, ' / ', ad_group_name, ' / ', ad_name) AS name
       FROM staging.stg_facebook_ads_insights ORDER BY 1`,
    );
    assert.deepEqual(
      names.map((row) => row.name),
      [
        "Buen Fin / Mujeres 25-45 / Video A",
        "Buen Fin / Mujeres 25-45 / Video B",
        "Marca / Amplio / Carrusel",
      ],
    );
  });
});
