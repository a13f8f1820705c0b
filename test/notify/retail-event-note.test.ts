// The line under the email's day figures when they compare across a retail event: the Friday after Black Friday
// reads "-55% vs last Fri", and the line says last Friday was the sales peak. Event days are worked out by hand
// from the calendar: US Thanksgiving 2026 is the fourth Thursday of November, 26 Nov (1 Nov 2026 is a Sunday), so
// Black Friday – Cyber Monday weekend runs from Thu 26 to Mon 30 Nov.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { retailEventNote } from "../../functions/notify/retail-event-note.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { buildReportData, steadyDays } from "../report/report-data-fixture.ts";

describe("retail event note", () => {
  it("says last week's day was Black Friday when the figures compare with it", () => {
    assert.equal(
      retailEventNote("US", "2026-12-04", "2026-11-27", "Fri", "en-US"),
      "Last Fri (27 Nov) was during Black Friday – Cyber Monday weekend: the changes against it compare an ordinary day with a sales event.",
    );
  });

  it("says the run day is Black Friday and last week's was not", () => {
    assert.equal(
      retailEventNote("US", "2026-11-27", "2026-11-20", "Fri", "en-US"),
      "Fri 27 Nov was during Black Friday – Cyber Monday weekend and last Fri (20 Nov) was not: the changes against it compare a sales event with an ordinary day.",
    );
    // Cyber Monday, the weekend's last day, against the Monday before Thanksgiving.
    assert.match(
      retailEventNote("US", "2026-11-30", "2026-11-23", "Mon", "en-US") ?? "",
      /^Mon 30 Nov was during Black Friday/,
    );
  });

  it("names both events when the two days are in different ones, and says nothing inside one event", () => {
    assert.equal(
      retailEventNote("US", "2026-12-25", "2026-12-18", "Fri", "en-US"),
      "Fri 25 Dec was during Christmas, last Fri (18 Dec) during Christmas shopping peak.",
    );
    // 14 and 21 Dec are both in the Christmas shopping peak (14–23 Dec); 3 and 10 Nov are ordinary days.
    assert.equal(retailEventNote("US", "2026-12-21", "2026-12-14", "Mon", "en-US"), undefined);
    assert.equal(retailEventNote("US", "2026-11-10", "2026-11-03", "Tue", "en-US"), undefined);
  });

  it("follows the shop's market: Boxing Day is a British sale, not an American one", () => {
    assert.equal(
      retailEventNote("GB", "2027-01-02", "2026-12-26", "Sat", "en-GB"),
      "Last Sat (26 Dec) was during Boxing Day sales: the changes against it compare an ordinary day with a sales event.",
    );
    assert.equal(retailEventNote("US", "2027-01-02", "2026-12-26", "Sat", "en-US"), undefined);
  });

  it("is in the email under the day figures, in both parts, and only when it applies", () => {
    const data = buildReportData();
    data.runDate = "2026-12-04";
    data.daily = steadyDays("2026-10-01", "2026-12-04");
    const { html, text } = buildSummaryEmail(data);
    const line =
      "Last Fri (27 Nov) was during Black Friday – Cyber Monday weekend: the changes against it compare an ordinary day with a sales event.";
    assert.ok(text.includes(line), text);
    assert.ok(html.includes(line), "the HTML part has the line");
    // Before the figures' comparisons section: right under the three day figures.
    assert.ok(text.indexOf(line) < text.indexOf("COMPARED"));
    data.runDate = "2026-11-10";
    data.daily = steadyDays("2026-10-01", "2026-11-10");
    assert.ok(!buildSummaryEmail(data).text.includes("was during"));
  });
});
