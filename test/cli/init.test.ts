// init's settings document, as a pure function: the shop's country comes from --country, else from the time zone
// given with --timezone, else it is left to the default (a zone proposed from the exports' offsets is not enough);
// its currency from --currency, else from the Shopify orders exports already in the inbox (read here from files
// written by the test: the fixture export as CSV and, in euros, as XLSX).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { buildSettings, mainCurrency, surveyInbox } from "../../functions/cli/init.ts";

// A stand-in for the tz database: two zones with a country, every other zone without one.
const countryOfZone = (zone: string) => ({ "Europe/Paris": "fr", "Europe/Berlin": "DE" })[zone];
const shopOf = (settings: Record<string, unknown>) => settings.shop as Record<string, string>;

describe("init's settings: the shop's country", () => {
  it("is the given time zone's country when --country is not given", () => {
    const shop = shopOf(
      buildSettings({ shopName: "Lune", timezone: "Europe/Paris" }, undefined, countryOfZone),
    );
    assert.deepEqual([shop.timezone, shop.country], ["Europe/Paris", "FR"]);
  });

  it("is left to the default for a time zone proposed from the exports' offsets, which several countries share", () => {
    const shop = shopOf(buildSettings({ shopName: "Lune" }, { timezone: "Europe/Berlin" }, countryOfZone));
    assert.deepEqual([shop.timezone, shop.country], ["Europe/Berlin", undefined]);
  });

  it("is --country when given, whatever the zone", () => {
    const shop = shopOf(
      buildSettings({ shopName: "Lune", timezone: "Europe/Paris", country: "be" }, undefined, countryOfZone),
    );
    assert.equal(shop.country, "BE");
  });

  it("is left out (the default applies) for a zone of no country, or no zone at all", () => {
    assert.equal(
      shopOf(buildSettings({ shopName: "Lune", timezone: "UTC" }, undefined, countryOfZone)).country,
      undefined,
    );
    assert.equal(shopOf(buildSettings({ shopName: "Lune" }, undefined, countryOfZone)).country, undefined);
  });
});

describe("init's settings: the shop's currency", () => {
  it("is the currency proposed from the inbox when --currency is not given, and --currency when it is", () => {
    assert.equal(shopOf(buildSettings({ shopName: "Lune" }, { currency: "EUR" })).currency, "EUR");
    assert.equal(
      shopOf(buildSettings({ shopName: "Lune", currency: "gbp" }, { currency: "EUR" })).currency,
      "GBP",
    );
    // Neither: the options table's default applies (the file leaves it out).
    assert.equal(shopOf(buildSettings({ shopName: "Lune" }, {})).currency, undefined);
  });

  it("proposed is the currency most orders are in; of a tie, the first alphabetically", () => {
    assert.equal(
      mainCurrency(
        new Map([
          ["USD", 3],
          ["EUR", 1204],
        ]),
      ),
      "EUR",
    );
    assert.equal(
      mainCurrency(
        new Map([
          ["USD", 5],
          ["CAD", 5],
        ]),
      ),
      "CAD",
    );
    assert.equal(mainCurrency(new Map()), undefined);
  });
});

describe("init's survey of the inbox: the currencies of the Shopify orders exports", () => {
  let inbox: string;
  const fixture = readFileSync(join(import.meta.dirname, "..", "ingest", "fixtures", "shopify-orders.csv"));
  const rows = parse(fixture, { relax_column_count: true }) as string[][];
  const header = rows[0] as string[];
  const currencyColumn = header.indexOf("Currency");
  // Counted here with csv-parse, not with the code under test: the rows that name a currency (each order's first).
  const ordersIn = (records: string[][]) =>
    records.slice(1).filter((row) => row[currencyColumn]?.trim()).length;
  const inEuros = rows.map((row, index) =>
    index > 0 && row[currencyColumn]?.trim() ? row.with(currencyColumn, "EUR") : row,
  );

  before(async () => {
    inbox = await mkdtemp(join(tmpdir(), "pulse-init-inbox-"));
    await mkdir(join(inbox, "2026-11"));
    await writeFile(join(inbox, "orders_export_1.csv"), fixture);
    // The same orders in euros, as Excel saves a workbook, in a subfolder.
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("orders_export");
    for (const row of inEuros) sheet.addRow(row);
    await writeFile(
      join(inbox, "2026-11", "orders_export_2.xlsx"),
      new Uint8Array(await book.xlsx.writeBuffer()),
    );
    // Neither an orders export nor readable: they count nothing, and fail nothing.
    await copyFile(
      join(import.meta.dirname, "..", "ingest", "fixtures", "meta-ads-daily.csv"),
      join(inbox, "meta-ads-daily.csv"),
    );
    await writeFile(join(inbox, "broken.xlsx"), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00, 0x13]));
  });
  after(() => rm(inbox, { recursive: true, force: true }));

  it("counts each export's orders by currency, CSV and XLSX alike, and nothing of other files", async () => {
    const orders = ordersIn(rows);
    assert.ok(orders >= 5, `the fixture has ${orders} orders`);
    const counts = (await surveyInbox(inbox)).currencies;
    assert.deepEqual(Object.fromEntries(counts), { USD: orders, EUR: ordersIn(inEuros) });
  });

  it("is empty for an inbox that does not exist yet", async () => {
    assert.equal((await surveyInbox(join(inbox, "missing"))).currencies.size, 0);
  });
});
