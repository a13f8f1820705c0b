// The deck as a package: every XML part well-formed whatever the shop's name holds, and the document
// properties read back as the name itself (an office app refuses or repairs a deck with a malformed part).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import JSZip from "jszip";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { germanLongDate, japaneseLongDate } from "../support/reader-dates.ts";
import { buildReportData, RUN_DATE } from "./report-data-fixture.ts";

describe("the deck's package", () => {
  it("is well-formed XML in every part for a shop named with &, <, > and quotes", async () => {
    const shopName = `Salt & Pepper <Studio> "Côte" d'Azur`;
    const zip = await JSZip.loadAsync(await renderDeck(buildDeckContent(buildReportData({ shopName }))));
    const parts = Object.values(zip.files).filter((part) => !part.dir && /\.(xml|rels)$/.test(part.name));
    assert.ok(parts.length > 20, `${parts.length} XML parts`);
    for (const part of parts) {
      const verdict = XMLValidator.validate(await part.async("string"));
      assert.equal(verdict, true, `${part.name}: ${JSON.stringify(verdict)}`);
    }
    const parser = new XMLParser({ processEntities: true, htmlEntities: true });
    const app = parser.parse(await zip.file("docProps/app.xml")!.async("string")) as {
      Properties: { Company: string };
    };
    assert.equal(app.Properties.Company, shopName);
    const core = parser.parse(await zip.file("docProps/core.xml")!.async("string")) as {
      "cp:coreProperties": { "dc:title": string };
    };
    assert.ok(core["cp:coreProperties"]["dc:title"].startsWith(`${shopName} — `));
  });

  it("names the run date in its subject, as the file's properties show it, as the shop's locale writes it", async () => {
    const parser = new XMLParser({ processEntities: true, htmlEntities: true });
    for (const [locale, runDay] of [
      ["en-US", "Sat 21 Nov 2026"],
      ["de-DE", germanLongDate(RUN_DATE)],
      ["ja-JP", japaneseLongDate(RUN_DATE)],
    ] as const) {
      const data = buildReportData();
      const zip = await JSZip.loadAsync(
        await renderDeck(buildDeckContent({ ...data, shop: { ...data.shop, locale } })),
      );
      const core = parser.parse(await zip.file("docProps/core.xml")!.async("string")) as {
        "cp:coreProperties": { "dc:subject": string };
      };
      assert.equal(core["cp:coreProperties"]["dc:subject"], `Daily performance for ${runDay}`, locale);
    }
  });
});
