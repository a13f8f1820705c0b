// Which dropped exports' days count the API's rows now, by the rule staging applies (sql/staging/stg_*_ads*.sql):
// an account's day counts its newest landing's rows, the API's on a tie; an export naming no account counts only
// when newer than every account's API rows of its day, and then in place of them all. Landings written by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AccountDayLanding,
  overriddenExportFinding,
  overriddenExports,
} from "../../functions/check-sources/overridden-exports.ts";

const UNNAMED = "unnamed";
const at = (hour: number) => Date.parse(`2026-11-22T${String(hour).padStart(2, "0")}:00:00Z`);
const api = (day: string, account: string, hour: number): AccountDayLanding => ({
  day,
  account,
  fromFile: false,
  fileName: null,
  landedAt: at(hour),
});
const file = (day: string, account: string, hour: number, fileName: string): AccountDayLanding => ({
  day,
  account,
  fromFile: true,
  fileName,
  landedAt: at(hour),
});

describe("overriddenExports", () => {
  it("an account's export landed before or with its own API rows, not another account's", () => {
    assert.deepEqual(
      overriddenExports(
        [
          api("2026-11-18", "A", 10),
          file("2026-11-18", "A", 9, "a.csv"),
          // A tie counts the API's rows.
          api("2026-11-19", "A", 9),
          file("2026-11-19", "A", 9, "a.csv"),
          // B's export is newer than B's API rows: it counts, though A's API rows of the day are newer still.
          api("2026-11-18", "B", 8),
          file("2026-11-18", "B", 9, "b.csv"),
          // An export of a day the API has not landed.
          file("2026-11-20", "A", 9, "a.csv"),
        ],
        UNNAMED,
      ),
      [{ fileName: "a.csv", accounts: ["A"], days: ["2026-11-18", "2026-11-19"] }],
    );
  });

  it("an export naming no account against every account's API rows of its day", () => {
    assert.deepEqual(
      overriddenExports(
        [
          // Newer than A's API rows, older than B's: left out.
          api("2026-11-18", "A", 8),
          api("2026-11-18", "B", 10),
          file("2026-11-18", UNNAMED, 9, "any.csv"),
          // Newer than both: it counts, and A's own older export is left out for it, not for the API's rows.
          api("2026-11-19", "A", 8),
          file("2026-11-19", "A", 7, "a.csv"),
          file("2026-11-19", UNNAMED, 9, "any.csv"),
        ],
        UNNAMED,
      ),
      [{ fileName: "any.csv", accounts: [], days: ["2026-11-18"] }],
    );
  });

  it("none when only the API's rows or only an export landed", () => {
    assert.deepEqual(overriddenExports([api("2026-11-18", "A", 10)], UNNAMED), []);
    assert.deepEqual(overriddenExports([file("2026-11-18", "A", 10, "a.csv")], UNNAMED), []);
  });
});

describe("overriddenExportFinding", () => {
  it("names the platform, the file, the accounts and the days, as info", () => {
    const finding = overriddenExportFinding(
      { name: "facebook_ads", label: "Meta Ads", freshnessTable: "facebook_ads_insights" },
      { fileName: "meta-ads.csv", accounts: ["123"], days: ["2026-11-18", "2026-11-19", "2026-11-21"] },
    );
    assert.equal(finding.severity, "info");
    assert.equal(finding.observed, 3);
    assert.ok(
      finding.message.startsWith(
        "Meta Ads export meta-ads.csv: its days 2026-11-18 – 2026-11-19, 2026-11-21 (account 123) are the API's numbers now",
      ),
      finding.message,
    );
  });
});
