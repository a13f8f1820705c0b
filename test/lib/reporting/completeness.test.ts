// What the deck and the email say about a period the data starts inside of, or before: the words are written
// out here by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import {
  baseGapReason,
  coveredRange,
  dataStartNote,
  missingSourcesCaveat,
  shortMissingSourcesCaveat,
  spendGapKind,
} from "../../../functions/lib/reporting/completeness.ts";
import { buildReportData, RUN_DATE } from "../../report/report-data-fixture.ts";

describe("where the data starts", () => {
  const november = { from: "2026-11-01", to: "2026-11-30" };
  const october = { from: "2026-10-01", to: "2026-10-30" };

  it("labels a period the data starts inside of by the days it covers, and says since when", () => {
    const partial = { kind: "partial", dataFrom: "2026-11-28" } as const;
    assert.equal(dataStartNote(partial, "en-US"), "since 28 Nov, the first day of data");
    assert.deepEqual(coveredRange(november, partial), { from: "2026-11-28", to: "2026-11-30" });
    const full = { kind: "full", dataFrom: "2025-10-01" } as const;
    assert.equal(dataStartNote(full, "en-US"), "");
    assert.deepEqual(coveredRange(november, full), november);
  });

  it("gives a base's reason for n/a: no data at all, or not like for like when the data starts partway", () => {
    assert.equal(
      baseGapReason({ kind: "none", dataFrom: "2026-11-28" }, october, "en-US"),
      "no data for 1–30 Oct 2026",
    );
    assert.equal(
      baseGapReason({ kind: "none", dataFrom: null }, october, "en-US"),
      "no data for 1–30 Oct 2026",
    );
    assert.equal(
      baseGapReason({ kind: "partial", dataFrom: "2026-10-15" }, october, "en-US"),
      "1–30 Oct 2026 is not like for like: the data starts 15 Oct 2026",
    );
    assert.equal(baseGapReason({ kind: "full", dataFrom: "2026-01-01" }, october, "en-US"), "");
  });
});

describe("the sources a figure excludes", () => {
  // Meta missing on five days between two exports that none covers, and landed since: through the run date.
  const gapFrom = addDays(RUN_DATE, -10);
  const gapTo = addDays(RUN_DATE, -6);
  const withGap = () => {
    const data = buildReportData();
    for (const row of data.daily) {
      if (row.date >= gapFrom && row.date <= gapTo) {
        row.is_complete = false;
        row.missing_sources = "facebook_ads";
      }
    }
    return data;
  };

  it("names the days a source is missing on between days it landed, not a day since which it has none", () => {
    const data = withGap();
    // Written out by hand: the 11th to the 15th of November 2026 (RUN_DATE is the 21st).
    assert.equal(RUN_DATE, "2026-11-21");
    assert.equal(
      missingSourcesCaveat(data.daily, ["facebook_ads"], RUN_DATE, "en-US"),
      "excludes Meta: no data for 11–15 Nov 2026",
    );
    // Seen from a day inside the gap, the source has had no data since the day before it.
    assert.equal(
      missingSourcesCaveat(data.daily, ["facebook_ads"], "2026-11-13", "en-US"),
      "excludes Meta: no data since Tue 10 Nov",
    );
  });
});

describe("a platform whose rows landed without an exchange rate", () => {
  /** The fixture's days, with `marks` (date → [missing_sources, unconverted_sources]) on some of them. */
  const marked = (marks: Record<string, [string, string | null]>) => {
    const data = buildReportData();
    for (const row of data.daily) {
      const mark = marks[row.date];
      if (!mark) continue;
      row.is_complete = false;
      row.missing_sources = mark[0];
      row.unconverted_sources = mark[1];
    }
    return data.daily;
  };

  it("asks for the rate of the days it lacks, not for data", () => {
    const daily = marked({
      "2026-11-19": ["facebook_ads", "facebook_ads:USD"],
      "2026-11-20": ["facebook_ads", "facebook_ads:USD"],
    });
    assert.equal(
      missingSourcesCaveat(daily, ["facebook_ads"], RUN_DATE, "en-US"),
      "excludes Meta: spend not converted — no USD exchange rate for 19–20 Nov 2026",
    );
    assert.equal(
      missingSourcesCaveat(daily, ["facebook_ads"], "2026-11-19", "en-US"),
      "excludes Meta: spend not converted — no USD exchange rate for Thu 19 Nov 2026",
    );
  });

  it("says 'no data since' a day whose rows landed without a rate when no row has landed after it", () => {
    const daily = marked({
      "2026-11-16": ["facebook_ads", "facebook_ads:USD"],
      ...Object.fromEntries(
        ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", RUN_DATE].map((day) => [
          day,
          ["facebook_ads", null] as [string, null],
        ]),
      ),
    });
    assert.equal(
      missingSourcesCaveat(daily, ["facebook_ads"], RUN_DATE, "en-US"),
      "excludes Meta: no data since Mon 16 Nov",
    );
  });

  it("asks for the currency of rows that name none, and names each source's own reason", () => {
    assert.equal(
      missingSourcesCaveat(
        marked({ [RUN_DATE]: ["facebook_ads", "facebook_ads"] }),
        ["facebook_ads"],
        RUN_DATE,
        "en-US",
      ),
      "excludes Meta: spend not converted — its rows for Sat 21 Nov 2026 name no currency",
    );
    const daily = marked({
      "2026-11-20": ["facebook_ads", "facebook_ads:GBP/USD"],
      [RUN_DATE]: ["facebook_ads,tiktok_ads", "facebook_ads:GBP/USD"],
    });
    assert.equal(
      missingSourcesCaveat(daily, ["facebook_ads", "tiktok_ads"], RUN_DATE, "en-US"),
      "excludes Meta (spend not converted — no GBP or USD exchange rate for 20–21 Nov 2026), TikTok (no data since Fri 20 Nov)",
    );
  });

  it("tells a month's short ad spend by why: no data, no rate, or both; Shopify's days are not ad spend", () => {
    const daily = marked({
      "2026-11-10": ["shopify", null],
      "2026-11-18": ["facebook_ads", "facebook_ads:USD"],
      "2026-11-20": ["tiktok_ads", null],
    });
    assert.equal(spendGapKind(daily, "2026-11-01", "2026-11-10"), "data");
    assert.equal(spendGapKind(daily, "2026-11-01", "2026-11-19"), "rate");
    assert.equal(spendGapKind(daily, "2026-11-01", RUN_DATE), "both");
  });

  it("a KPI card's short words say the rate is missing, and tell it from a source with no data", () => {
    const november = ["2026-11-01", RUN_DATE] as const;
    const rateless = marked({
      "2026-11-19": ["facebook_ads", "facebook_ads:USD"],
      "2026-11-20": ["facebook_ads", "facebook_ads:GBP"],
    });
    assert.equal(
      shortMissingSourcesCaveat(rateless, ["facebook_ads"], ...november),
      "excludes Meta (not converted: no GBP or USD rate)",
    );
    // Only the figure's own days count: the 20th's GBP is outside 1–19 Nov.
    assert.equal(
      shortMissingSourcesCaveat(rateless, ["facebook_ads"], "2026-11-01", "2026-11-19"),
      "excludes Meta (not converted: no USD rate)",
    );
    // Sources that had not landed read as they did; beside a rate-less one, each says why.
    const mixed = marked({
      "2026-11-19": ["facebook_ads,tiktok_ads", "facebook_ads:USD"],
      "2026-11-20": ["google_ads,tiktok_ads", null],
    });
    assert.equal(
      shortMissingSourcesCaveat(mixed, ["google_ads", "tiktok_ads"], "2026-11-20", RUN_DATE),
      "excludes Google Ads, TikTok",
    );
    assert.equal(
      shortMissingSourcesCaveat(mixed, ["facebook_ads", "tiktok_ads"], ...november),
      "excludes Meta (not converted: no USD rate), TikTok (no data)",
    );
    // A source missing both ways in the range, and rows that name no currency.
    const both = marked({
      "2026-11-18": ["facebook_ads", null],
      "2026-11-19": ["facebook_ads", "facebook_ads:USD"],
    });
    assert.equal(
      shortMissingSourcesCaveat(both, ["facebook_ads"], ...november),
      "excludes Meta (no data, or no USD rate)",
    );
    assert.equal(
      shortMissingSourcesCaveat(
        marked({ [RUN_DATE]: ["facebook_ads", "facebook_ads"] }),
        ["facebook_ads"],
        ...november,
      ),
      "excludes Meta (not converted: rows name no currency)",
    );
  });
});
