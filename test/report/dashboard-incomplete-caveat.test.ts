// The dashboard's caveat of a figure summed over days whose sources had not all landed, from the extracts' cells:
// a platform whose rows landed without an exchange rate is asked for the rate, apart from a source with no data.
// The expected words are written out by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { type ExtractRow, incompleteCaveat } from "../../functions/report/dashboard-rows.ts";

const day = (date: string, missing = "", unconverted = ""): ExtractRow => ({
  date,
  is_complete: missing ? "false" : "true",
  missing_sources: missing,
  unconverted_sources: unconverted,
});

describe("the dashboard's incomplete caveat", () => {
  it("names the missing rate of a platform whose rows landed, and the day, in the shop's locale", () => {
    const rows = [day("2026-11-15"), day("2026-11-16", "facebook_ads", "facebook_ads:USD")];
    assert.equal(
      incompleteCaveat(rows, "en-US"),
      "Incomplete: Meta: spend not converted — no USD exchange rate for Mon 16 Nov 2026",
    );
    assert.equal(
      incompleteCaveat(rows, "de-DE"),
      "Incomplete: Meta: spend not converted — no USD exchange rate for Mo. 16. Nov. 2026",
    );
  });

  it("keeps 'not landed' for a source with no data, and counts a platform's days without a rate apart", () => {
    const rows = [
      day("2026-11-14", "facebook_ads", "facebook_ads:USD"),
      day("2026-11-15"),
      day("2026-11-16", "facebook_ads,tiktok_ads", "facebook_ads:GBP/USD"),
    ];
    assert.equal(
      incompleteCaveat(rows, "en-US"),
      "Incomplete: excludes TikTok on 1 day (not landed); Meta: spend not converted on 2 days — no GBP or USD exchange rate (the latest Mon 16 Nov 2026)",
    );
  });

  it("reads an extract without the column (written before it) as before: not landed", () => {
    const rows = [{ date: "2026-11-16", is_complete: "false", missing_sources: "facebook_ads" }];
    assert.equal(incompleteCaveat(rows, "en-US"), "Incomplete: excludes Meta on 1 day (not landed)");
    assert.equal(incompleteCaveat([day("2026-11-16")], "en-US"), undefined);
  });

  it("the data quality chart counts a platform's days without a rate apart from its days without data", () => {
    const daily_kpis = [
      day("2026-11-13", "facebook_ads", "facebook_ads:USD"),
      day("2026-11-14", "facebook_ads"),
      day("2026-11-15"),
      day("2026-11-16", "facebook_ads,tiktok_ads", "facebook_ads:USD"),
    ];
    const model = buildDashboardModel(
      { daily_kpis },
      {
        runDate: "2026-11-16",
        shop: { name: "Maison Lune", currency: "EUR", locale: "en-US" },
        demo: false,
      },
    );
    const chart = model.pages
      .flatMap((page) => page.charts)
      .find((item) => item.id === "quality-missing-sources");
    assert.equal(chart?.title, "Days each source was incomplete (last 4 days)");
    assert.equal(chart?.stacked, true);
    assert.deepEqual(chart?.labels, ["Meta", "TikTok"]);
    assert.deepEqual(chart?.series, [
      { label: "Not landed", data: [1, 1] },
      { label: "Landed, spend not converted (no exchange rate)", data: [2, 0] },
    ]);
  });
});
