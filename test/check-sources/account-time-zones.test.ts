// Ad accounts whose days are not the shop's: the offsets expected here are the zones' published rules for
// November 2026 and the 2026 daylight-saving dates, written out by hand, not computed by the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AccountTimeZone,
  accountTimeZoneFindings,
} from "../../functions/check-sources/account-time-zones.ts";

const RUN_DATE = "2026-11-20";
const meta = (timeZone: string, account = "1029384756"): AccountTimeZone => ({
  source: "facebook_ads",
  account,
  timeZone,
});

describe("ad account time zones", () => {
  it("an account 9 hours behind the shop is a warning placing its day on the shop's clock", () => {
    // Los Angeles is UTC−8 and Paris UTC+1 on 20 November 2026: Meta's day there starts at 09:00 in Paris.
    const [finding, ...rest] = accountTimeZoneFindings(
      [meta("America/Los_Angeles")],
      "Europe/Paris",
      RUN_DATE,
    );
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.check, "ad_account_time_zone");
    assert.equal(finding?.subject, "facebook_ads:1029384756");
    assert.equal(finding?.observed, "America/Los_Angeles");
    assert.equal(finding?.expected, "Europe/Paris");
    assert.match(
      finding?.message ?? "",
      /^Meta Ads account 1029384756 counts its days in America\/Los_Angeles/,
    );
    assert.match(finding?.message ?? "", /9 hours behind on 2026-11-20/);
    assert.match(finding?.message ?? "", /from 09:00 to 09:00 the next day on the shop's clock/);
    assert.match(finding?.message ?? "", /time zone cannot be changed once it is set/);
  });

  it("an account ahead of the shop starts its day the evening before, on the shop's clock", () => {
    // Paris UTC+1, New York UTC−5: Paris's midnight is 18:00 of the day before in New York.
    const [finding] = accountTimeZoneFindings(
      [{ source: "tiktok_ads", account: "7012345678901234", timeZone: "Europe/Paris" }],
      "America/New_York",
      RUN_DATE,
    );
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /^TikTok Ads account 7012345678901234/);
    assert.match(finding?.message ?? "", /6 hours ahead on 2026-11-20/);
    assert.match(finding?.message ?? "", /from 18:00 the day before to 18:00 on the shop's clock/);
  });

  it("half hours are said, and an hour apart is information, not a warning", () => {
    const [kolkata] = accountTimeZoneFindings(
      [{ source: "google_ads", account: "4815162342", timeZone: "Asia/Kolkata" }],
      "Etc/UTC",
      RUN_DATE,
    );
    assert.equal(kolkata?.severity, "warning");
    assert.match(kolkata?.message ?? "", /5 hours 30 minutes ahead/);
    assert.match(kolkata?.message ?? "", /from 18:30 the day before to 18:30/);
    const [london] = accountTimeZoneFindings([meta("Europe/London")], "Europe/Paris", RUN_DATE);
    assert.equal(london?.severity, "info");
    assert.match(london?.message ?? "", /1 hour behind/);
  });

  it("3 hours apart is the warning's boundary: exactly 3 warns, 2.5 or 2 are information", () => {
    // README, "Ad accounts on another clock": "An account 3 hours or more apart on the run date is a warning", its
    // example a Los Angeles account of a New York shop, "from 03:00 to 03:00 the next day". On 20 November 2026:
    // New York UTC−5, Los Angeles UTC−8, Denver UTC−7, Chicago UTC−6, St John's (Newfoundland) UTC−3:30.
    const [three] = accountTimeZoneFindings([meta("America/Los_Angeles")], "America/New_York", RUN_DATE);
    assert.equal(three?.severity, "warning");
    assert.match(three?.message ?? "", /3 hours behind on 2026-11-20/);
    assert.match(three?.message ?? "", /from 03:00 to 03:00 the next day on the shop's clock/);
    const [twoAndAHalf] = accountTimeZoneFindings([meta("America/St_Johns")], "America/Chicago", RUN_DATE);
    assert.equal(twoAndAHalf?.severity, "info");
    assert.match(twoAndAHalf?.message ?? "", /2 hours 30 minutes ahead on 2026-11-20/);
    const [two] = accountTimeZoneFindings([meta("America/Denver")], "America/New_York", RUN_DATE);
    assert.equal(two?.severity, "info");
    assert.match(two?.message ?? "", /2 hours behind on 2026-11-20/);
  });

  it("the same zone under another name, or the shop's own, says nothing", () => {
    assert.deepEqual(
      accountTimeZoneFindings(
        [meta("US/Pacific"), meta("America/Los_Angeles", "5647382910")],
        "America/Los_Angeles",
        RUN_DATE,
      ),
      [],
    );
  });

  it("zones on the same clock today but not in summer are counted by the days they differ", () => {
    // Phoenix keeps UTC−7 all year; Denver is UTC−6 from 8 March 2026 (02:00 local, 09:00 UTC) to 1 November
    // 2026 (02:00 local, 08:00 UTC). At noon UTC they differ from 8 March to 31 October: 24 + 30 + 31 + 30 + 31 +
    // 31 + 30 + 31 = 238 of the 365 days ending 20 November 2026 (Denver's 2025 change, 2 November, is before them).
    const [finding] = accountTimeZoneFindings([meta("America/Phoenix")], "America/Denver", RUN_DATE);
    assert.equal(finding?.severity, "info");
    assert.match(finding?.message ?? "", /the same clock on 2026-11-20, but not on 238 of the last 365 days/);
    // Etc/GMT+8 is UTC−8 all year (the sign is POSIX's), Los Angeles's winter clock: the same idea, west coast.
    const [fixed] = accountTimeZoneFindings([meta("Etc/GMT+8")], "America/Los_Angeles", RUN_DATE);
    assert.equal(fixed?.severity, "info");
    assert.match(fixed?.message ?? "", /the same clock on 2026-11-20/);
  });

  it("a time zone nobody knows is a warning, not a crash", () => {
    const [finding] = accountTimeZoneFindings([meta("Mars/Olympus_Mons")], "Europe/Paris", RUN_DATE);
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /"Mars\/Olympus_Mons", a time zone this pipeline does not know/);
  });
});
