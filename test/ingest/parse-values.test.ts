// The explicit value rules of file drops: numbers, dates, instants, encodings and delimiters.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { localNoonInstant } from "../../functions/lib/calendar.ts";
import { landingSiteFrom, parseNoteAttributes } from "../../functions/ingest/shopify.ts";
import {
  addDecimals,
  parseBoolean,
  parseDate,
  parseDateRange,
  parseDecimal,
  parseInstant,
  parseInteger,
  parseReportDate,
} from "../../functions/ingest/parse-values.ts";
import {
  decideEncoding,
  sniffDelimiter,
  sniffEncoding,
  Utf8Validator,
} from "../../functions/ingest/sniff.ts";
import { sheetCellText } from "../../functions/ingest/records.ts";

const value = <T>(parsed: { ok: true; value: T } | { ok: false; reason: string }): T | string =>
  parsed.ok ? parsed.value : `error: ${parsed.reason}`;

describe("parseDecimal", () => {
  const cases: [string, "." | ",", string | null][] = [
    ["1234.56", ".", "1234.56"],
    ["1,234.56", ".", "1234.56"],
    ['"1,234,567.5"'.slice(1, -1), ".", "1234567.5"],
    ["  -12.50 ", ".", "-12.5"],
    ["(12.50)", ".", "-12.5"],
    ["$1,000", ".", "1000"],
    ["'0042.10", ".", "42.1"],
    [".5", ".", "0.5"],
    ["0.00", ".", "0"],
    ["-0.00", ".", "0"],
    [" --", ".", null],
    ["", ".", null],
    ["1 234,56", ",", "1234.56"],
    ["1\u00a0234,56", ",", "1234.56"],
    ["1\u202f234,56", ",", "1234.56"],
    ["1.234,56", ",", "1234.56"],
    ["12,5 €", ",", "12.5"],
    ["-3,00", ",", "-3"],
  ];
  for (const [input, decimal, expected] of cases) {
    it(`${JSON.stringify(input)} with "${decimal}" → ${expected}`, () => {
      assert.equal(value(parseDecimal(input, decimal)), expected);
    });
  }
  for (const [input, decimal] of [
    ["1,23,4.00", "."],
    ["12,50", "."],
    ["abc", "."],
    ["1.2.3", "."],
    ["1.234 567,00", ","],
    ["=1+2", "."],
    ["1e5", "."],
  ] as const) {
    it(`refuses ${JSON.stringify(input)} with "${decimal}"`, () => {
      assert.match(String(value(parseDecimal(input, decimal))), /^error: /);
    });
  }
  it("adds decimals exactly", () => {
    assert.equal(addDecimals("0.1", "0.2"), "0.3");
    assert.equal(addDecimals("1234.56", "-0.56"), "1234");
    assert.equal(addDecimals("-1", "0.25"), "-0.75");
  });
});

describe("parseInteger", () => {
  it("reads grouped thousands and refuses fractions", () => {
    assert.equal(value(parseInteger("12,345")), 12345);
    assert.match(String(value(parseInteger("1.5"))), /not a whole number/);
    assert.equal(value(parseInteger(" --")), null);
  });
});

describe("dates", () => {
  it("reads each declared format, never guessing between dd/mm and mm/dd", () => {
    assert.equal(value(parseDate("21/11/2026", "dd/mm/yyyy")), "2026-11-21");
    assert.equal(value(parseDate("11/21/2026", "mm/dd/yyyy")), "2026-11-21");
    assert.match(String(value(parseDate("11/21/2026", "dd/mm/yyyy"))), /not a valid calendar date/);
    assert.equal(value(parseDate("21.11.2026", "dd.mm.yyyy")), "2026-11-21");
    assert.equal(value(parseDate("2026-11-21 00:00:00", "yyyy-mm-dd")), "2026-11-21");
    assert.match(String(value(parseDate("2026-02-29"))), /not a valid calendar date/);
    assert.equal(value(parseDate("2028-02-29")), "2028-02-29");
  });
  it("reads the ad platforms' report dates and ranges", () => {
    assert.equal(value(parseReportDate("Nov 21, 2026")), "2026-11-21");
    assert.equal(value(parseReportDate("Fri, Nov 21, 2026")), "2026-11-21");
    assert.equal(value(parseReportDate("November 1, 2026")), "2026-11-01");
    assert.deepEqual(parseDateRange('"November 1, 2026 - November 21, 2026"'), {
      start: "2026-11-01",
      end: "2026-11-21",
    });
    assert.equal(parseDateRange("Campaign report"), null);
  });
  it("reads a report date whose month a French, German or Spanish interface names, the day first", () => {
    for (const [text, iso] of [
      ["21 novembre 2026", "2026-11-21"],
      ["1 févr. 2026", "2026-02-01"],
      ["3 août 2026", "2026-08-03"],
      ["12 juil. 2026", "2026-07-12"],
      ["12 juin 2026", "2026-06-12"],
      ["21. November 2026", "2026-11-21"],
      ["5. März 2026", "2026-03-05"],
      ["24. Dez. 2026", "2026-12-24"],
      ["21 de noviembre de 2026", "2026-11-21"],
      ["2 de ene. de 2026", "2026-01-02"],
      ["21 March 2026", "2026-03-21"],
    ]) {
      assert.equal(value(parseReportDate(text)), iso, text);
    }
    assert.deepEqual(parseDateRange('"1 novembre 2026 - 21 novembre 2026"'), {
      start: "2026-11-01",
      end: "2026-11-21",
    });
    // A name that is no month, and a day the month does not have, are errors, not guesses.
    assert.match(String(value(parseReportDate("21 brumaire 2026"))), /is not a date/);
    assert.match(String(value(parseReportDate("31 juin 2026"))), /not a valid calendar date/);
  });
  it("reads instants only with an explicit offset", () => {
    assert.equal(value(parseInstant("2026-11-21 18:04:11 -0500")), "2026-11-21T23:04:11.000Z");
    assert.equal(value(parseInstant("2026-11-21T18:04:11+05:30")), "2026-11-21T12:34:11.000Z");
    assert.equal(value(parseInstant("2026-11-21 18:04:11 UTC")), "2026-11-21T18:04:11.000Z");
    assert.match(String(value(parseInstant("2026-11-21 18:04:11"))), /UTC offset/);
    assert.match(String(value(parseInstant("2026-11-31 18:04:11 -0500"))), /calendar date/);
  });
  it("places a date-only sale at noon in the shop's zone, on that day there", () => {
    assert.equal(localNoonInstant("2026-11-21", "America/New_York"), "2026-11-21T17:00:00.000Z");
    assert.equal(localNoonInstant("2026-07-01", "America/New_York"), "2026-07-01T16:00:00.000Z");
    assert.equal(localNoonInstant("2026-11-21", "Pacific/Kiritimati"), "2026-11-20T22:00:00.000Z");
  });
  it("reads yes/no cells", () => {
    assert.equal(value(parseBoolean("yes")), true);
    assert.equal(value(parseBoolean("FALSE")), false);
    assert.match(String(value(parseBoolean("maybe"))), /not yes\/no/);
  });
});

describe("encoding and delimiter", () => {
  it("tells UTF-8 from Windows-1252 by validity, over the whole file", () => {
    const latin = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]);
    assert.equal(sniffEncoding(latin).encoding, "windows-1252");
    assert.equal(sniffEncoding(Buffer.from("Café\n", "utf8")).encoding, "utf-8");
    // A sample cut inside a multi-byte character is still UTF-8.
    assert.equal(sniffEncoding(Buffer.from("Café", "utf8").subarray(0, 4)).encoding, "utf-8");
    const validator = new Utf8Validator();
    validator.push(Buffer.from("plain ascii,"));
    validator.push(latin);
    assert.equal(validator.finish(), false);
    assert.deepEqual(decideEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), false), {
      encoding: "utf-8",
      bom: true,
    });
    assert.deepEqual(decideEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]), false), {
      encoding: "utf-16le",
      bom: true,
    });
  });
  it("finds the delimiter past title lines and decimal commas", () => {
    assert.equal(
      sniffDelimiter(
        'Campaign report\n"November 1, 2026 - November 21, 2026"\nCampaign,Day,Cost\nA,2026-11-21,"1,000.00"\n',
      ),
      ",",
    );
    assert.equal(sniffDelimiter("N°;Date;Montant;TVA\nF1;21/11/2026;1 234,56;205,76\n"), ";");
    assert.equal(sniffDelimiter("a\tb\tc\n1\t2,5\t3\n"), "\t");
  });
  it("writes XLSX cells back as the mapping's text", () => {
    assert.equal(sheetCellText(1234.5, { decimal: ",", dateFormat: "dd/mm/yyyy" }), "1234,5");
    assert.equal(
      sheetCellText(new Date(Date.UTC(2026, 10, 21)), { decimal: ",", dateFormat: "dd/mm/yyyy" }),
      "21/11/2026",
    );
    assert.equal(
      sheetCellText({ formula: "A1*2", result: 4 }, { decimal: ".", dateFormat: "yyyy-mm-dd" }),
      "4",
    );
  });
});

describe("Shopify note attributes", () => {
  it("reads UTMs from attributes or from a landing URL", () => {
    const attributes = parseNoteAttributes(
      "utm_source: facebook\nutm_medium: paid social\ngift_message: Happy: birthday",
    );
    assert.deepEqual(attributes[2], { name: "gift_message", value: "Happy: birthday" });
    assert.equal(landingSiteFrom(attributes), "/?utm_source=facebook&utm_medium=paid%20social");
    assert.equal(
      landingSiteFrom(
        parseNoteAttributes("landing_page: https://shop.example.com/p?utm_source=google&utm_medium=cpc"),
      ),
      "/p?utm_source=google&utm_medium=cpc",
    );
    assert.equal(landingSiteFrom(parseNoteAttributes("gift_message: hi")), null);
  });

  it("reads UTMs under other spellings and from a tracking app's JSON attribute", () => {
    assert.equal(
      landingSiteFrom(parseNoteAttributes("UTM Source: tiktok\nutm-campaign: BF 2026")),
      "/?utm_source=tiktok&utm_campaign=BF%202026",
    );
    assert.equal(
      landingSiteFrom(
        parseNoteAttributes(
          '_elevar_visitor_info: {"user_id":"x","utm":{"utm_source":"facebook","utm_medium":"paid_social"},"landing_page":"/"}',
        ),
      ),
      "/?utm_source=facebook&utm_medium=paid_social",
    );
    assert.equal(
      landingSiteFrom(
        parseNoteAttributes('_tw_attribution: {"landing":"/p?utm_source=google&utm_medium=cpc"}'),
      ),
      "/p?utm_source=google&utm_medium=cpc",
    );
    assert.equal(landingSiteFrom(parseNoteAttributes('_app: {"user_id":"x"}')), null);
  });

  it("adds to a landing URL the UTMs it lacks from the attributes, the URL's winning where both give one", () => {
    // The tester's case: the landing page has utm_content only, the attributes the source, medium and campaign.
    assert.equal(
      landingSiteFrom(
        parseNoteAttributes(
          "utm_source: facebook\nutm_medium: paid_social\nutm_campaign: BF Prospecting\nlanding_page: https://shop.example.com/?utm_content=video1",
        ),
      ),
      "/?utm_content=video1&utm_source=facebook&utm_medium=paid_social&utm_campaign=BF%20Prospecting",
    );
    // Both give utm_source: the URL's google stays, facebook is dropped; the campaign comes from its attribute.
    assert.equal(
      landingSiteFrom(
        parseNoteAttributes(
          "landing_page: https://shop.example.com/p?utm_source=google&utm_medium=cpc&gclid=g1\nutm_source: facebook\nutm_campaign: Brand",
        ),
      ),
      "/p?utm_source=google&utm_medium=cpc&gclid=g1&utm_campaign=Brand",
    );
    // The URL's encoding is kept as it is; an empty utm_source= is no source, so the attribute's is added.
    assert.equal(
      landingSiteFrom(
        parseNoteAttributes(
          "landing_page: /?utm_source=&utm_campaign=BF%20Retargeting&fbclid=f1\nUTM Source: facebook\nutm_campaign: other",
        ),
      ),
      "/?utm_source=&utm_campaign=BF%20Retargeting&fbclid=f1&utm_source=facebook",
    );
    // Added before a #fragment; from a tracking app's JSON attribute when no attribute is named utm_*.
    assert.equal(
      landingSiteFrom(
        parseNoteAttributes(
          'landing_page: https://shop.example.com/p?utm_content=video1#reviews\n_elevar_visitor_info: {"utm":{"utm_source":"tiktok"}}',
        ),
      ),
      "/p?utm_content=video1&utm_source=tiktok#reviews",
    );
  });
});
