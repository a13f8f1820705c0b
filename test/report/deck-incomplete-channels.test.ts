// The deck's monthly channel slides when a month has days whose channel source had not landed (the marts'
// incomplete_days): the channel mix and the paid channel performance carry the caveat, and the PPC index of
// such a month is shown but not judged (no green or red).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../functions/lib/calendar.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ContentSlide, DeckContent, TableSpec } from "../../functions/report/deck-model.ts";
import { buildReportData, RUN_DATE } from "./report-data-fixture.ts";

const MONTH = "2026-11-01";
const STALE_DAYS = 5;

function tableOn(content: DeckContent, kind: string, id: string): TableSpec {
  const slide = content.slides.find((candidate) => candidate.kind === kind) as ContentSlide | undefined;
  assert.ok(slide, `${kind} slide`);
  for (const placed of slide.blocks) {
    if (placed.block.type === "table" && placed.block.table.id === id) return placed.block.table;
  }
  assert.fail(`${kind}: no table ${id}`);
}

describe("deck: incomplete channel months", () => {
  it("marks the channel mix, Meta's month and the month's PPC index when Meta had not landed for 5 days", () => {
    const complete = buildDeckContent(buildReportData());
    const data = buildReportData();
    // Meta had not landed on the run month's last 5 days: the daily KPIs name it, and the monthly marts count it.
    const staleFrom = addDays(RUN_DATE, -(STALE_DAYS - 1));
    for (const row of data.daily) {
      if (row.date >= staleFrom && row.date <= RUN_DATE) {
        row.is_complete = false;
        row.missing_sources = "facebook_ads";
      }
    }
    for (const row of data.marts.channelMonths) {
      if (row.month !== MONTH) continue;
      row.incomplete_days = row.channel === "meta" ? STALE_DAYS : 0;
      row.is_complete = row.channel !== "meta";
    }
    for (const row of data.marts.channelMix) {
      if (row.month !== MONTH) continue;
      row.incomplete_days = STALE_DAYS;
      row.is_complete = false;
    }
    const content = buildDeckContent(data);
    // Fri 20 Nov... the weekday of the last landed day, written out independently of the code's formatter.
    const lastLanded = addDays(staleFrom, -1);
    const weekday = new Date(`${lastLanded}T12:00:00Z`).toLocaleDateString("en-US", { weekday: "short" });
    const since = `excludes Meta: no data since ${weekday} ${Number(lastLanded.slice(8))} Nov`;

    const mix = tableOn(content, "channel-mix", "channel-mix");
    assert.match(mix.note ?? "", new RegExp(`Incomplete: ${STALE_DAYS} of the month's days`));
    assert.ok((mix.note ?? "").includes(since), mix.note);
    assert.ok(mix.rows.length > 3);
    for (const row of mix.rows) {
      assert.match(row[1]?.text ?? "", / \*$/, "spend marked");
      assert.match(row[2]?.text ?? "", / \*$/, "spend share marked");
    }
    assert.doesNotMatch(tableOn(complete, "channel-mix", "channel-mix").note ?? "", /Incomplete/);

    const performance = tableOn(content, "channel-performance", "channel-performance");
    const meta = performance.rows.find((row) => row[0]?.text === "Meta");
    const google = performance.rows.find((row) => row[0]?.text === "Google Ads");
    assert.match(meta?.[1]?.text ?? "", / \*$/);
    assert.doesNotMatch(google?.[1]?.text ?? "", /\*/);
    assert.match(performance.rows.at(-1)?.[1]?.text ?? "", / \*$/, "the total includes Meta's month");
    assert.ok((performance.note ?? "").includes("the spend, ROAS and CPA of Meta count only what landed"));
    assert.ok((performance.note ?? "").includes(since));

    const ppc = tableOn(content, "ppc-index", "ppc-index");
    const november = ppc.rows.find((row) => row[0]?.text === "Nov 2026");
    const october = ppc.rows.find((row) => row[0]?.text === "Oct 2026");
    assert.equal(november?.[4]?.emphasis, "muted", "ROAS index not judged");
    assert.equal(november?.[6]?.emphasis, "muted", "CPA index not judged");
    assert.match(november?.[4]?.text ?? "", / \*$/);
    // A complete month keeps its verdict, the same as on the complete deck.
    const octoberComplete = tableOn(complete, "ppc-index", "ppc-index").rows.find(
      (row) => row[0]?.text === "Oct 2026",
    );
    assert.ok(["good", "bad"].includes(String(october?.[4]?.emphasis)));
    assert.deepEqual(october, octoberComplete);
    const novemberComplete = tableOn(complete, "ppc-index", "ppc-index").rows.find(
      (row) => row[0]?.text === "Nov 2026",
    );
    assert.ok(["good", "bad"].includes(String(novemberComplete?.[4]?.emphasis)));
    assert.match(ppc.note ?? "", /Incomplete, not judged — Nov 2026: 5 of the month's days/);
  });

  it("the run day's channels: a platform missing that day is n/a, and the paid total leaves it out and says so", () => {
    const data = buildReportData();
    // Meta, Google Ads and TikTok all have a run-day row; TikTok's GBP rows landed without an exchange rate.
    data.channels.push({
      date: RUN_DATE,
      channel: "meta",
      spend: 2_000,
      impressions: 80_000,
      clicks: 1_600,
      platform_conversions: 40,
      platform_conversion_value: 6_000,
      attributed_orders: 30,
      attributed_revenue: 5_000,
      roas: 2.5,
    });
    const runDay = data.daily.find((row) => row.date === RUN_DATE);
    assert.ok(runDay);
    runDay.is_complete = false;
    runDay.missing_sources = "tiktok_ads";
    runDay.unconverted_sources = "tiktok_ads:GBP";
    const table = tableOn(buildDeckContent(data), "channels", "channels-run-day");
    const text = table.rows.map((row) => row.map((cell) => cell.text));
    assert.deepEqual(
      text.find((row) => row[0] === "TikTok"),
      ["TikTok", "n/a", "$0", "n/a", "n/a", "n/a", "n/a", "n/a"],
    );
    // Google Ads $3,000 and Meta $2,000 of spend; $9,000 and $5,000 attributed: ROAS 14,000 / 5,000.
    assert.deepEqual(text.at(-1)?.slice(0, 4), ["All paid channels but TikTok", "$5,000", "$14,000", "2.80"]);
    assert.equal(
      table.note,
      "TikTok's platform figures are n/a: spend not converted — no GBP exchange rate for Sat 21 Nov 2026.",
    );
  });
});
