// A EUR shop whose Meta ad account bills in USD, through the real models on DuckDB with hand-made raw rows, then
// the email, the deck's content model and the dashboard model built from what the warehouse gives them. One
// euro rate for the dollar, Sunday 8 November 2026's: it stands for the 8th to the 15th (a rate stands for a week
// at most), so Monday the 16th, the run date, has none.
//
// With Meta's rows landed for the 16th, its spend there is unknown in euros: every reader must be told the rate is
// missing ("spend not converted — no USD exchange rate for Mon 16 Nov 2026"), not that Meta has no data, which
// would send them to reconnect a source that is fine. With no Meta row at all for the 16th (its last on Sunday
// the 15th), they are still told "no data since Sun 15 Nov". With no dollar rate at all, every Meta day of the
// month is unconverted: the deck's campaigns slide has no campaign spend to rank, and says why.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { csvHeader, csvLines } from "../../functions/export/csv.ts";
import { historyStart, loadPeriodMarts } from "../../functions/lib/reporting/load-report-data.ts";
import type { ChannelDayRow, DailyKpiRow, ReportData } from "../../functions/lib/reporting/report-data.ts";
import { readQuery } from "../../functions/lib/sql/queries.ts";
import { readSql } from "../../functions/lib/sql/sql-files.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { parseExtract } from "../../functions/report/dashboard-page.ts";
import type { ExtractTables } from "../../functions/report/dashboard-rows.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";
import { metaAdDay, paidUtmOrder } from "../support/raw-ad-rows.ts";

const RUN_DATE = "2026-11-16";
const DAYS = ["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13", "2026-11-14", "2026-11-15", RUN_DATE];
const SHOP: ReportData["shop"] = {
  name: "Maison Lune",
  currency: "EUR",
  locale: "en-US",
  timezone: "Europe/Paris",
};
const ENV = {
  PULSE_CURRENCY: "EUR",
  PULSE_TIMEZONE: "Europe/Paris",
  // Shopify and Meta only: Google Ads and TikTok, which the shop does not use, are never missing.
  PULSE_SETTINGS: JSON.stringify({
    version: 1,
    quality: { sources: { google_ads: { expected: false }, tiktok_ads: { expected: false } } },
  }),
};

/** Each day's order total in micros of a euro: the day's whole Meta-attributed revenue. */
const ORDER_TOTAL_MICROS = 150_000_000n;
/** The run day's Meta-attributed revenue as the en-US EUR shop writes it, from the raw order's total. */
const RUN_DAY_ATTRIBUTED = `€${(ORDER_TOTAL_MICROS / 1_000_000n).toString()}`;

/** The cells' text of the email's channel table row of `channel`. */
function channelRowCells(html: string, channel: string): string[] {
  const row = html.split("<tr>").find((part) => part.includes(`>${channel}<br>`));
  assert.ok(row, `a channel row of ${channel}`);
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
    (cell[1] ?? "")
      .replace(/<br>/g, " ")
      .replace(/<[^>]+>/g, "")
      .trim(),
  );
}

/** Meta's daily spend in micros of a dollar, and the one dollar rate per euro (Sunday 8 November's). */
const META_SPEND_MICROS = 100_000_000n;
const USD_PER_EUR = "1.1000";

/** The shop's raw rows: one Meta-attributed order a day, Meta's USD spend on `metaDays`, and the dollar rate. */
async function loadShop(
  warehouse: DuckDbWarehouse,
  metaDays: readonly string[],
  withRate: boolean,
): Promise<void> {
  await insertRaw(
    warehouse,
    "shopify_orders",
    DAYS.map((day, index) =>
      paidUtmOrder({
        id: 7000 + index,
        day,
        hour: "12",
        total: ORDER_TOTAL_MICROS,
        customer: index + 1,
        currency: "EUR",
        landing: "/?utm_source=facebook&utm_medium=paid",
      }),
    ),
  );
  await insertRaw(
    warehouse,
    "facebook_ads_insights",
    metaDays.map((day) =>
      metaAdDay({
        day,
        currency: "USD",
        account: "act_us",
        campaign: "Prospecting US",
        ad: "m1",
        spend: META_SPEND_MICROS,
        value: 150_000_000n,
      }),
    ),
  );
  if (withRate)
    await insertRaw(warehouse, "fx_rates", [
      {
        date: "2026-11-08",
        currency: "USD",
        rate: USD_PER_EUR,
        _airbyte_extracted_at: "2026-11-08T16:00:00Z",
      },
    ]);
}

interface Built {
  warehouse: DuckDbWarehouse;
  data: ReportData;
  tables: ExtractTables;
}

/** The warehouse built for the run date, the report data the deck and the email read, and the dashboard's extracts. */
function builtShop(metaDays: readonly string[], withRate = true): () => Built {
  let built: Built | undefined;
  before(async () => {
    const warehouse = await openFixtureWarehouse();
    await loadShop(warehouse, metaDays, withRate);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true, lookbackDays: 14, env: ENV });
    const daily = await warehouse.query<DailyKpiRow>(
      readQuery("reporting/daily_kpis"),
      { history_start_date: historyStart(RUN_DATE), run_date: RUN_DATE },
      { label: "daily" },
    );
    const channels = await warehouse.query<ChannelDayRow>(
      readQuery("reporting/marketing_daily_channel"),
      { history_start_date: addDays(RUN_DATE, -27), run_date: RUN_DATE },
      { label: "channels" },
    );
    const data: ReportData = {
      shop: SHOP,
      runDate: RUN_DATE,
      daily,
      channels,
      topProducts: [],
      marts: await loadPeriodMarts(warehouse, RUN_DATE),
      findings: [],
      sources: [],
      links: {},
    };
    // The extracts as the export step writes them (CSV), read back as the dashboard reads them.
    const tables: ExtractTables = {};
    for (const name of ["daily_kpis", "marketing_daily_channel"]) {
      const rows = await warehouse.query(
        readSql(`extracts/${name}.sql`),
        { from_date: "2026-10-01", through_date: RUN_DATE, is_demo: false },
        { label: name },
      );
      const columns = Object.keys(rows[0] ?? {});
      tables[name] = parseExtract(csvHeader(columns) + csvLines(rows, columns));
    }
    built = { warehouse, data, tables };
  });
  after(async () => {
    await built?.warehouse.close();
  });
  return () => {
    if (!built) throw new Error("the shop is built before the tests");
    return built;
  };
}

/** The caveats of the executive summary's KPI cards, by metric: those with one. */
function spendCardCaveats(data: ReportData): Record<string, string> {
  const summary = buildDeckContent(data).slides.find((slide) => slide.kind === "summary");
  const cards = (summary && "blocks" in summary ? summary.blocks : []).flatMap((block) =>
    block.block.type === "kpis" ? block.block.cards : [],
  );
  return Object.fromEntries(cards.flatMap((card) => (card.caveat ? [[card.metric, card.caveat]] : [])));
}

/** The data quality page's chart of the days each source was incomplete: its bars' labels and series. */
function missingDaysChart(model: ReturnType<typeof buildDashboardModel>) {
  const chart = model.pages
    .flatMap((page) => page.charts)
    .find((item) => item.id === "quality-missing-sources");
  return { labels: chart?.labels, series: chart?.series };
}

/** The deck's campaigns slide: its two tables (rows' text, empty text, note) and its speaker notes. */
function campaignsSlide(data: ReportData) {
  const found = buildDeckContent(data).slides.find((item) => item.kind === "campaigns");
  const slide = found && "blocks" in found ? found : undefined;
  const tables = (slide?.blocks ?? []).flatMap((block) =>
    block.block.type === "table" ? [block.block.table] : [],
  );
  return {
    tables: Object.fromEntries(
      tables.map((table) => [
        table.id,
        {
          rows: table.rows.map((row) => row.map((cell) => cell.text)),
          emptyText: table.emptyText,
          note: table.note,
        },
      ]),
    ),
    notes: slide?.notes,
  };
}

/** The deck's run-day channels table: its rows' text and its note. */
function runDayChannels(data: ReportData) {
  const table = buildDeckContent(data)
    .slides.flatMap((slide) => ("blocks" in slide ? slide.blocks : []))
    .flatMap((block) => (block.block.type === "table" ? [block.block.table] : []))
    .find((item) => item.id === "channels-run-day");
  return { rows: table?.rows.map((row) => row.map((cell) => cell.text)), note: table?.note };
}

/** Every string of a content model, depth first. */
function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === "object") return Object.values(value).flatMap(texts);
  return [];
}

describe(
  "Meta's run-day rows landed without a USD exchange rate (EUR shop)",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const shop = builtShop(DAYS);

    it("daily_kpis: the day is incomplete for Meta, and says its rows lack a USD rate", () => {
      const row = shop().data.daily.find((day) => day.date === RUN_DATE);
      assert.equal(row?.is_complete, false);
      assert.equal(row?.missing_sources, "facebook_ads");
      assert.equal(row?.unconverted_sources, "facebook_ads:USD");
      // The days the Sunday rate stands for are complete.
      const before = shop().data.daily.find((day) => day.date === "2026-11-15");
      assert.deepEqual([before?.is_complete, before?.unconverted_sources ?? null], [true, null]);
    });

    it("the email asks for the rate, and never says Meta has no data", () => {
      const email = buildSummaryEmail(shop().data);
      const reason = "spend not converted — no USD exchange rate for Mon 16 Nov 2026";
      assert.match(email.text, new RegExp(`- Ad spend: .* \\(incomplete: excludes Meta: ${reason}\\)`));
      assert.ok(email.html.includes(reason));
      // The subject, which cannot give the whole reason, says what the ROAS waits for: a rate, not data.
      assert.match(email.subject, / · ROAS incomplete \(Meta spend not converted\) · /);
      // ("no data for 1–16 Oct 2026" is last month's, before the shop's data began.)
      assert.doesNotMatch(email.text, /no data since|not landed/);
      assert.doesNotMatch(email.html, /no data since|not landed/);
    });

    it("the email's channel line: spend and ROAS n/a for want of the rate, the orders' attributed revenue shown", () => {
      const email = buildSummaryEmail(shop().data);
      const reason = "spend not converted — no USD exchange rate for Mon 16 Nov 2026";
      // The attributed revenue is the shop's own order, in euros: no exchange rate stands between it and the reader.
      assert.ok(
        email.text.includes(
          `- Meta: spend n/a, attributed revenue ${RUN_DAY_ATTRIBUTED}, ROAS n/a (${reason})`,
        ),
        email.text,
      );
      assert.deepEqual(channelRowCells(email.html, "Meta"), [
        `Meta ${reason}`,
        "n/a",
        RUN_DAY_ATTRIBUTED,
        "n/a",
      ]);
    });

    it("the deck's content says the rate is missing, not that Meta has no data", () => {
      const deck = texts(buildDeckContent(shop().data));
      assert.ok(
        deck.includes(
          "Incomplete: ad spend and blended ROAS excludes Meta: spend not converted — no USD exchange rate for Mon 16 Nov 2026 (1 of these days; no spend point is drawn for them).",
        ),
        deck.filter((text) => text.includes("Meta")).join("\n"),
      );
      assert.deepEqual(
        deck.filter((text) => /no data since|not landed/.test(text) && text.includes("Meta")),
        [],
      );
      // The executive summary's KPI cards of the spend-based figures give the reason too: "excludes Meta" alone
      // reads as a source with no data.
      assert.deepEqual(spendCardCaveats(shop().data), {
        ad_spend: "incomplete: excludes Meta (not converted: no USD rate)",
        blended_roas: "incomplete: excludes Meta (not converted: no USD rate)",
        mer: "incomplete: excludes Meta (not converted: no USD rate)",
        cac: "incomplete: excludes Meta (not converted: no USD rate)",
      });
      // The monthly slides' notes on November's short spend say it was not converted, not that it has not synced.
      const notes = deck.filter((text) =>
        /synced|platform data|not converted \(no exchange rate\)/.test(text),
      );
      assert.ok(
        notes.some((text) =>
          text.endsWith(" * Incomplete: some days' ad spend was not converted (no exchange rate)."),
        ),
        notes.join("\n"),
      );
      assert.ok(
        notes.some((text) =>
          text.endsWith("No point for Nov 2026: ad spend not converted (no exchange rate) on some days."),
        ),
        notes.join("\n"),
      );
      assert.ok(
        notes.some((text) =>
          text.endsWith(
            "* Incomplete: days whose platform spend was not converted (no exchange rate); its changes are not judged.",
          ),
        ),
        notes.join("\n"),
      );
      assert.deepEqual(
        notes.filter((text) => /synced|without platform data/.test(text)),
        [],
      );
      // The data quality slide's zero and missing days: the day is explained by its rate, not as a day of no spend.
      assert.ok(deck.includes("Meta Ads spend not converted: no USD exchange rate"));
      assert.ok(!deck.includes("no spend that day"));
    });

    it("the deck's run-day channels: Meta's platform figures n/a for want of the rate, not €0; its orders' revenue shown", () => {
      const channels = runDayChannels(shop().data);
      assert.deepEqual(channels.rows, [
        ["Meta", "n/a", RUN_DAY_ATTRIBUTED, "n/a", "n/a", "n/a", "n/a", "n/a"],
      ]);
      assert.equal(
        channels.note,
        "Meta's platform figures are n/a: spend not converted — no USD exchange rate for Mon 16 Nov 2026.",
      );
    });

    it("the deck's campaigns slide ranks the spend that was converted, and says why the run day's is not in it", () => {
      const slide = campaignsSlide(shop().data);
      const campaigns = slide.tables["top-campaigns"];
      // Six days (10–15 Nov) of $100 at the Sunday rate; the 16th has none. The orders name no utm_campaign.
      const converted = (6 * Number(META_SPEND_MICROS / 1_000_000n)) / Number(USD_PER_EUR);
      assert.deepEqual(
        campaigns?.rows.map((row) => row.slice(0, 3)),
        [["Prospecting US *", "Meta", `€${Math.round(converted)}`]],
      );
      assert.match(
        campaigns?.note ?? "",
        /\* Incomplete \(Meta: spend not converted — no USD exchange rate for Mon 16 Nov 2026\); its figures count only what landed and are not judged\.$/,
      );
    });

    it("the dashboard's overview and channels pages say Meta's spend was not converted, not that it had not landed", () => {
      const model = buildDashboardModel(shop().tables, { runDate: RUN_DATE, shop: SHOP, demo: false });
      const caveats = texts(model).filter((text) => text.startsWith("Incomplete:"));
      assert.ok(caveats.length > 0);
      for (const caveat of caveats)
        assert.equal(
          caveat,
          "Incomplete: Meta: spend not converted — no USD exchange rate for Mon 16 Nov 2026",
        );
      // The data quality page's incomplete days: the day and why, and the spend counted (none: Meta is all of it).
      const days = model.pages
        .flatMap((page) => page.tables)
        .find((table) => table.id === "quality-incomplete-days");
      assert.deepEqual(days?.rows, [["2026-11-16", "Meta (spend not converted: no USD exchange rate)", 0]]);
      // The channels table counts the day as incomplete, not as missing.
      const channelsTable = model.pages
        .flatMap((page) => page.tables)
        .find((table) => table.id === "channels-table");
      assert.equal(channelsTable?.columns.at(-1)?.label, "Days incomplete");
      assert.deepEqual(
        channelsTable?.rows.map((row) => [row[0], row.at(-1)]),
        [["Meta", 1]],
      );
      // Its chart of the days each source was incomplete: Meta's one day landed, so it is not a day without data.
      assert.deepEqual(missingDaysChart(model), {
        labels: ["Meta"],
        series: [
          { label: "Not landed", data: [0] },
          { label: "Landed, spend not converted (no exchange rate)", data: [1] },
        ],
      });
    });
  },
);

describe(
  "Meta has no row for the run day (its last on Sunday the 15th): still 'no data since'",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const shop = builtShop(DAYS.filter((day) => day !== RUN_DATE));

    it("daily_kpis: Meta missing, no exchange rate named", () => {
      const row = shop().data.daily.find((day) => day.date === RUN_DATE);
      assert.deepEqual([row?.missing_sources, row?.unconverted_sources], ["facebook_ads", null]);
    });

    it("the email says Meta has no data since Sunday", () => {
      const email = buildSummaryEmail(shop().data);
      assert.match(email.text, /- Ad spend: .* \(incomplete: excludes Meta: no data since Sun 15 Nov\)/);
      assert.match(email.subject, / · ROAS incomplete \(no Meta data\) · /);
      assert.match(
        email.text,
        /Month to date .*; blended ROAS 1\.92× \(incomplete: excludes Meta: no data since Sun 15 Nov\)\./,
      );
      assert.doesNotMatch(email.text, /exchange rate|not converted/);
    });

    it("the email's channel line: Meta's spend n/a since Sunday (not €0), the orders' attributed revenue shown", () => {
      const email = buildSummaryEmail(shop().data);
      const reason = "no data since Sun 15 Nov";
      assert.ok(
        email.text.includes(
          `- Meta: spend n/a, attributed revenue ${RUN_DAY_ATTRIBUTED}, ROAS n/a (${reason})`,
        ),
        email.text,
      );
      assert.deepEqual(channelRowCells(email.html, "Meta"), [
        `Meta ${reason}`,
        "n/a",
        RUN_DAY_ATTRIBUTED,
        "n/a",
      ]);
    });

    it("the deck says Meta has no data since Sunday", () => {
      const deck = texts(buildDeckContent(shop().data));
      assert.ok(
        deck.includes(
          "Incomplete: ad spend and blended ROAS excludes Meta: no data since Sun 15 Nov (1 of these days; no spend point is drawn for them).",
        ),
      );
      assert.deepEqual(
        deck.filter((text) => /not converted/.test(text)),
        [],
      );
      // The monthly slides' notes: November's spend has not synced.
      assert.ok(deck.some((text) => text.endsWith(" * Incomplete: some days' ad spend has not synced yet.")));
      assert.ok(
        deck.some((text) => text.endsWith("No point for Nov 2026: ad spend not synced on some days.")),
      );
      assert.ok(
        deck.some((text) =>
          text.endsWith("* Incomplete: days without platform data; its changes are not judged."),
        ),
      );
      assert.deepEqual(spendCardCaveats(shop().data), {
        ad_spend: "incomplete: excludes Meta",
        blended_roas: "incomplete: excludes Meta",
        mer: "incomplete: excludes Meta",
        cac: "incomplete: excludes Meta",
      });
    });

    it("the deck's run-day channels: Meta's platform figures n/a since Sunday, not €0", () => {
      const channels = runDayChannels(shop().data);
      assert.deepEqual(channels.rows, [
        ["Meta", "n/a", RUN_DAY_ATTRIBUTED, "n/a", "n/a", "n/a", "n/a", "n/a"],
      ]);
      assert.equal(channels.note, "Meta's platform figures are n/a: no data since Sun 15 Nov.");
    });

    it("the dashboard says Meta had not landed", () => {
      const model = buildDashboardModel(shop().tables, { runDate: RUN_DATE, shop: SHOP, demo: false });
      const caveats = texts(model).filter((text) => text.startsWith("Incomplete:"));
      assert.ok(caveats.length > 0);
      for (const caveat of caveats) assert.equal(caveat, "Incomplete: excludes Meta on 1 day (not landed)");
      const days = model.pages
        .flatMap((page) => page.tables)
        .find((table) => table.id === "quality-incomplete-days");
      assert.deepEqual(days?.rows, [["2026-11-16", "Meta", 0]]);
      assert.deepEqual(missingDaysChart(model), {
        labels: ["Meta"],
        series: [
          { label: "Not landed", data: [1] },
          { label: "Landed, spend not converted (no exchange rate)", data: [0] },
        ],
      });
    });
  },
);

describe(
  "No dollar rate at all: every Meta day of the month landed unconverted",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const shop = builtShop(DAYS, false);

    it("the deck's campaigns slide has no spend to rank, and says the rate is missing, not that no row landed", () => {
      const slide = campaignsSlide(shop().data);
      // Meta's rows of 10–16 Nov are all there, in dollars: none is in euros.
      const why = "(Meta: spend not converted — no USD exchange rate for 10–16 Nov 2026)";
      assert.deepEqual(slide.tables["top-campaigns"]?.rows, []);
      assert.equal(slide.tables["top-campaigns"]?.emptyText, `No campaign spend in the period ${why}.`);
      assert.deepEqual(slide.tables["top-ad-groups"]?.rows, []);
      assert.equal(slide.tables["top-ad-groups"]?.emptyText, `No ad group spend in the period ${why}.`);
      assert.equal(slide.notes, `No campaign rows for the period ${why}.`);
      assert.doesNotMatch(JSON.stringify(slide), /not landed|no data/);
    });
  },
);
