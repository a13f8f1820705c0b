// The dashboard page as a reader gets it: a real local run on a small generated shop writes
// reports/dt=<date>/dashboard.html, and headless Chromium opens it from file://. No console errors, no request
// beyond the file itself, every chart drawn with data, the tiles and the chart data equal to sums computed here
// from the extract CSVs with csv-parse, and a phone-width page that does not scroll sideways.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { dashboardPagePath, extractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { channelLabel } from "../../functions/lib/sql/channels.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { printSummary } from "../../functions/cli/summary.ts";
import { type LocalRunReport, runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { parseRunMessage, type RunOptions } from "../../functions/shared/run-message.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { fixedSecrets } from "../support/secrets.ts";
import { previewDashboard } from "../../tools/preview.ts";

const RUN_DATE = "2026-11-21";
const FIRST_DAY = addDays(RUN_DATE, -27);
// User data that must neither end the inlined script nor break its JSON: a closing tag and U+2028.
const SHOP_NAME = "Maison </script><b>Test</b>\u2028 & Co";

type Row = Record<string, string>;

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 0.011, `${what}: ${actual} shown, ${expected} from the CSV`);

const total = (rows: Row[], column: string) => rows.reduce((sum, row) => sum + Number(row[column] || 0), 0);

interface ChartData {
  id: string;
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
  yTicks: string[];
}

describe("the dashboard page in headless Chromium", { timeout: 240_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;
  let browser: Browser;
  let firstRun: LocalRunReport;
  const csv = async (name: string): Promise<Row[]> =>
    parse(await readFile(join(config.local.bucketDir, extractPath(name, RUN_DATE))), {
      columns: true,
    }) as Row[];
  const page = () => join(config.local.bucketDir, dashboardPagePath(RUN_DATE));
  const message = (runId: string, options: Partial<RunOptions> = {}) =>
    parseRunMessage({ runDate: RUN_DATE, runId, trigger: "manual", options: { skip: [], ...options } });

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-dashboard-"));
    config = loadConfig({
      env: {
        PULSE_WORK_DIR: workDir,
        PULSE_SHOP_NAME: SHOP_NAME,
        PULSE_CURRENCY: "EUR",
        PULSE_LOCALE: "fr-FR",
      },
      cwd: workDir,
    });
    warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(RUN_DATE),
      // The shop's own currency, as the demo's accounts bill in: in dollars, its spend had no rate to the euro.
      currency: "EUR",
      // 400 days: the run month reaches back a year (its YoY is shown), the months before it do not (blank).
      startDate: addDays(RUN_DATE, -399),
      ordersPerDay: 30,
    });
    firstRun = await runLocally(config, message("dash", { to: "report" }), {
      log: silentLogger(),
      warehouse,
      secrets: fixedSecrets({ piiHashKey: "d".repeat(40) }),
    });
    assert.deepEqual(firstRun.failures, []);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await warehouse?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  async function open(width: number) {
    const { page: tab, errors } = await openPage(browser, width);
    const requests: string[] = [];
    tab.on("request", (request) => requests.push(request.url()));
    const url = pathToFileURL(page()).toString();
    await tab.goto(url);
    await tab.waitForFunction(() => document.querySelectorAll("canvas").length > 0);
    const charts = await tab.evaluate(() =>
      Array.from(document.querySelectorAll("canvas")).map((canvas) => {
        const chart = (
          window as unknown as {
            Chart: {
              getChart(canvas: HTMLCanvasElement):
                | {
                    data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] };
                    scales: Record<string, { ticks: { label: string }[] }>;
                  }
                | undefined;
            };
          }
        ).Chart.getChart(canvas);
        return {
          id: canvas.id.replace(/^chart-/, ""),
          labels: chart?.data.labels ?? [],
          datasets: (chart?.data.datasets ?? []).map((set) => ({ label: set.label, data: set.data })),
          yTicks: (chart?.scales.y?.ticks ?? []).map((tick) => String(tick.label)),
        };
      }),
    );
    const tiles = await tab.evaluate(() =>
      Object.fromEntries(
        Array.from(document.querySelectorAll<HTMLElement>("[data-tile]")).map((tile) => [
          tile.closest("[data-page]")?.getAttribute("data-page") + "/" + tile.dataset.tile,
          { value: Number(tile.dataset.value), text: tile.querySelector(".tile-value")?.textContent ?? "" },
        ]),
      ),
    );
    return { tab, errors, requests, url, charts: charts as ChartData[], tiles };
  }

  it("is listed by the run's summary, next to the deck", async () => {
    const lines: string[] = [];
    await printSummary(firstRun, config, (line) => lines.push(line));
    assert.ok(
      lines.includes(`  ${"dashboard".padEnd(10)} ${page()}`),
      lines.filter((line) => line.startsWith("  ")).join("\n"),
    );
    assert.ok(
      firstRun.records
        .find((record) => record.step === "report")
        ?.outputs?.includes(dashboardPagePath(RUN_DATE)),
      "the report step's ledger record names the page",
    );
  });

  it("is linked from the summary email", async () => {
    await runLocally(config, message("mail", { from: "notify", to: "notify" }), {
      log: silentLogger(),
      warehouse,
      secrets: fixedSecrets({ piiHashKey: "d".repeat(40) }),
    });
    const files = await readdir(config.local.outboxDir);
    const html = files.find((file) => file.endsWith(".html"));
    assert.ok(html, `an email in the outbox: ${files.join(", ")}`);
    const body = await readFile(join(config.local.outboxDir, html), "utf8");
    assert.match(body, /Today(?:'|&#39;|&#x27;)s dashboard page/);
    assert.ok(
      body.includes(pathToFileURL(page()).toString()) || body.includes(dashboardPagePath(RUN_DATE)),
      "links the page",
    );
  });

  it("loads from file:// with no console errors and no request beyond the file", async () => {
    const { tab, errors, requests, url } = await open(1280);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url]);
    // The shop's name came through as text: its tag neither closed the script nor became markup.
    assert.equal(await tab.locator("header h1").textContent(), SHOP_NAME);
    assert.equal(await tab.locator("header h1 b").count(), 0);
    await tab.close();
  });

  it("draws every chart with data, and the pages of missing extracts say so", async () => {
    const { tab, charts } = await open(1280);
    assert.ok(charts.length >= 8, `${charts.length} charts`);
    for (const chart of charts) {
      assert.ok(chart.labels.length > 0, `${chart.id} has labels`);
      assert.ok(chart.datasets.length > 0, `${chart.id} has datasets`);
      for (const set of chart.datasets)
        assert.ok(
          set.data.some((value) => typeof value === "number"),
          `${chart.id} / ${set.label} has numbers`,
        );
    }
    const pages = await tab.locator("[data-page]").evaluateAll((nodes) => nodes.map((node) => node.id));
    assert.deepEqual(pages, [
      "overview",
      "channels",
      "campaigns",
      "products",
      "geography",
      "cohorts",
      "quality",
    ]);
    for (const id of pages) {
      const hasCharts = (await tab.locator(`#${id} canvas`).count()) > 0;
      const saysMissing = (await tab.locator(`#${id} .missing`).count()) > 0;
      assert.ok(hasCharts || saysMissing, `${id}: charts, or says which extract is missing`);
    }
    await tab.close();
  });

  it("shows the extracts' numbers: tiles and chart data equal sums over the CSVs", async () => {
    const { tab, charts, tiles } = await open(1280);
    const daily = (await csv("daily_kpis")).filter((row) => row.date! >= FIRST_DAY && row.date! <= RUN_DATE);
    assert.equal(daily.length, 28);
    const revenue = total(daily, "gross_revenue");
    const spend = total(daily, "ad_spend");
    close(tiles["overview/revenue"]!.value, revenue, "revenue");
    close(tiles["overview/orders"]!.value, total(daily, "orders"), "orders");
    close(tiles["overview/ad_spend"]!.value, spend, "ad spend");
    close(tiles["overview/blended_roas"]!.value, Math.round((revenue / spend) * 100) / 100, "blended ROAS");
    // The tile's text is the shop's currency in the shop's locale.
    // Its change against the 28 days before, from the same CSV.
    const before = (await csv("daily_kpis")).filter(
      (row) => row.date! >= addDays(FIRST_DAY, -28) && row.date! < FIRST_DAY,
    );
    const revenueBefore = total(before, "gross_revenue");
    const shownChange = Number(
      await tab.locator('[data-tile="revenue"] .tile-change').getAttribute("data-change"),
    );
    assert.ok(Math.abs(shownChange - (revenue / revenueBefore - 1)) < 0.0001, `change ${shownChange}`);
    const euros = new Intl.NumberFormat("fr-FR", {
      style: "currency",
      currency: "EUR",
      maximumFractionDigits: 0,
    });
    assert.equal(tiles["overview/revenue"]!.text, euros.format(revenue));

    const overview = charts.find((chart) => chart.id === "overview-daily")!;
    const revenueSeries = overview.datasets.find((set) => set.label === "Revenue")!.data;
    const spendSeries = overview.datasets.find((set) => set.label === "Ad spend")!.data;
    daily.forEach((row, index) => {
      close(revenueSeries[index]!, Number(row.gross_revenue), `revenue of ${row.date}`);
      // No spend point for a day that lacks an ad platform: a partial sum would read as a drop.
      if (row.is_complete === "true")
        close(spendSeries[index]!, Number(row.ad_spend), `spend of ${row.date}`);
      else assert.equal(spendSeries[index], null, `no spend point on incomplete ${row.date}`);
    });
    // Compact money axis ticks in euros (e.g. "2 k €").
    assert.ok(
      overview.yTicks.some((tick) => /€/.test(tick) && /k|M/.test(tick)),
      overview.yTicks.join(" | "),
    );

    const channels = (await csv("marketing_daily_channel")).filter(
      (row) => row.date! >= FIRST_DAY && row.date! <= RUN_DATE,
    );
    const byChannel = charts.find((chart) => chart.id === "channels-revenue")!;
    const attributed = byChannel.datasets.find((set) => set.label === "Attributed revenue")!.data;
    const channelNames = [...new Set(channels.map((row) => row.channel!))];
    assert.equal(byChannel.labels.length, channelNames.length);
    const shownTotal = attributed.reduce((sum: number, value) => sum + (value ?? 0), 0);
    close(shownTotal, total(channels, "attributed_revenue"), "attributed revenue over the channels");
    const shownMax = Math.max(...attributed.map((value) => value ?? 0));
    const channelMax = Math.max(
      ...channelNames.map((name) =>
        total(
          channels.filter((row) => row.channel === name),
          "attributed_revenue",
        ),
      ),
    );
    close(shownMax, channelMax, "the best channel's attributed revenue");

    const products = (await csv("product_daily_sales")).filter(
      (row) => row.date! >= FIRST_DAY && row.date! <= RUN_DATE,
    );
    const productRevenue = new Map<string, number>();
    for (const row of products)
      productRevenue.set(row.product_id!, (productRevenue.get(row.product_id!) ?? 0) + Number(row.revenue));
    const topTen = [...productRevenue.values()].sort((a, b) => b - a).slice(0, 10);
    const top = charts.find((chart) => chart.id === "products-top")!.datasets[0]!.data;
    assert.equal(top.length, topTen.length);
    top.forEach((value, index) => close(value!, topTen[index]!, `product #${index + 1}`));
    close(tiles["products/product_revenue"]!.value, total(products, "revenue"), "product revenue");
    close(tiles["products/units"]!.value, total(products, "units"), "units");

    // The run date's findings: the extract holds every run date's up to it.
    const findings = (await csv("findings")).filter((row) => row.run_date === RUN_DATE);
    const severities = charts.find((chart) => chart.id === "quality-findings")!.datasets[0]!.data;
    assert.deepEqual(
      severities,
      ["critical", "warning", "info"].map(
        (severity) => findings.filter((row) => row.severity === severity).length,
      ),
    );
    const incompleteDays = daily.filter((row) => row.is_complete !== "true").length;
    assert.equal(tiles["quality/incomplete_days"]!.value, incompleteDays);
    assert.ok(incompleteDays > 0, "the demo shop's stale Meta/TikTok leave incomplete days");
    // Those days are marked on the tile that sums over them.
    assert.match(
      (await tab.locator('[data-tile="ad_spend"] .tile-caveat').first().textContent()) ?? "",
      /Incomplete/,
    );
    await tab.close();
  });

  it("shows the campaign, geography and cohort extracts' numbers", async () => {
    const { tab, charts, tiles } = await open(1280);
    const campaigns = (await csv("campaign_daily")).filter(
      (row) => row.date! >= FIRST_DAY && row.date! <= RUN_DATE,
    );
    assert.ok(campaigns.length > 0);
    close(tiles["campaigns/campaign_spend"]!.value, total(campaigns, "spend"), "campaign spend");
    close(
      tiles["campaigns/campaign_revenue"]!.value,
      total(campaigns, "attributed_revenue"),
      "campaign revenue",
    );
    const spendById = new Map<string, number>();
    for (const row of campaigns) {
      const key = `${row.channel}|${row.campaign_id || row.campaign_name}`;
      spendById.set(key, (spendById.get(key) ?? 0) + Number(row.spend || 0));
    }
    const topSpend = [...spendById.values()]
      .filter((spend) => spend > 0)
      .sort((a, b) => b - a)
      .slice(0, 10);
    const shownSpend = charts.find((chart) => chart.id === "campaigns-top")!.datasets[0]!.data;
    shownSpend.forEach((value, index) => close(value!, topSpend[index]!, `campaign #${index + 1} spend`));

    // Geography: the 12 months ending with the run month (Dec 2025 – Nov 2026 for a run on 21 Nov 2026).
    const geography = (await csv("geographic_sales")).filter(
      (row) => row.month! >= "2025-12-01" && row.month! <= RUN_DATE,
    );
    close(tiles["geography/geo_revenue"]!.value, total(geography, "revenue"), "12 months' revenue by region");
    const countries = new Map<string, number>();
    for (const row of geography)
      countries.set(row.country_code!, (countries.get(row.country_code!) ?? 0) + Number(row.revenue));
    const byCountry = charts.find((chart) => chart.id === "geography-countries")!;
    const leader = [...countries.entries()].sort((a, b) => b[1] - a[1])[0]!;
    assert.equal(byCountry.labels[0], leader[0]);
    close(byCountry.datasets[0]!.data[0]!, leader[1], `revenue of ${leader[0]}`);

    // Cohorts: the 12 newest acquisition months, each counted once (its month-0 row).
    const cohorts = (await csv("ltv_cohorts")).filter((row) => row.months_since_first_order === "0");
    const newest = cohorts.sort((a, b) => a.cohort_month!.localeCompare(b.cohort_month!)).slice(-12);
    const shownCustomers = charts.find((chart) => chart.id === "cohorts-customers")!.datasets[0]!.data;
    assert.deepEqual(
      shownCustomers,
      newest.map((row) => Number(row.cohort_customers)),
    );
    close(tiles["cohorts/cohort_customers"]!.value, total(newest, "cohort_customers"), "cohort customers");
    await tab.close();
  });

  /** A table's cells as rendered: the number behind a numeric cell (data-value), else its text. */
  async function tableCells(tab: Page, id: string) {
    return tab.locator(`[data-table="${id}"]`).evaluate((section) => ({
      head: Array.from(section.querySelectorAll("thead tr:last-child th")).map((th) => th.textContent ?? ""),
      rows: Array.from(section.querySelectorAll("tbody tr")).map((tr) => ({
        partial: tr.classList.contains("partial"),
        cells: Array.from(tr.querySelectorAll("td")).map((td) =>
          td.hasAttribute("data-value") ? Number(td.getAttribute("data-value")) : (td.textContent ?? ""),
        ),
      })),
    }));
  }

  it("shows the month extracts' numbers: each ratio recomputed here from its parts in the CSVs", async () => {
    const { tab, charts, tiles, errors } = await open(1280);
    assert.deepEqual(errors, []);
    const chart = (id: string) => {
      const found = charts.find((item) => item.id === id);
      assert.ok(found, `chart ${id} is drawn`);
      assert.ok(
        found.datasets.some((set) => set.data.some((value) => typeof value === "number")),
        `${id} has data points`,
      );
      return found;
    };
    const n = (row: Row, column: string) => Number(row[column] || 0);
    const near = (shown: unknown, expected: number | null, what: string, tolerance = 0.0001) => {
      if (expected === null) assert.equal(shown, "", `${what}: blank`);
      else
        assert.ok(
          Math.abs((shown as number) - expected) <= tolerance,
          `${what}: ${shown}, expected ${expected}`,
        );
    };
    // Executive table: the 13 months from Nov 2025, newest first.
    const months = (await csv("executive_summary_monthly"))
      .filter((row) => row.month! >= "2025-11-01" && row.month! <= RUN_DATE)
      .sort((a, b) => b.month!.localeCompare(a.month!));
    assert.ok(months.length >= 3, `${months.length} months`);
    const executive = await tableCells(tab, "overview-executive");
    assert.equal(executive.rows.length, months.length);
    // 400 days of data: the run month has its year-earlier days, the months before it do not.
    assert.ok(months[0]!.last_year_gross_revenue, "the run month reaches a year back");
    assert.equal(months[1]!.last_year_gross_revenue, "", "the month before does not");
    const at = (label: string) => executive.head.indexOf(label);
    months.forEach((row, index) => {
      const { cells, partial } = executive.rows[index]!;
      const what = `${row.month}`;
      const spend = n(row, "ad_spend");
      near(cells[at("Revenue")], n(row, "gross_revenue"), `${what} revenue`, 0.005);
      near(cells[at("Orders")], n(row, "orders"), `${what} orders`);
      near(cells[at("AOV")], n(row, "gross_revenue") / n(row, "orders_with_value"), `${what} AOV`, 0.005);
      near(cells[at("New customers")], n(row, "new_customers"), `${what} new customers`);
      near(cells[at("Ad spend")], spend, `${what} spend`, 0.005);
      near(cells[at("ROAS")], spend ? n(row, "gross_revenue") / spend : null, `${what} ROAS`);
      near(cells[at("MER")], spend ? n(row, "net_revenue") / spend : null, `${what} MER`);
      near(cells[at("CAC")], spend ? spend / n(row, "new_customers") : null, `${what} CAC`, 0.005);
      for (const [title, current, previous] of [
        ["Revenue YoY", "gross_revenue", "last_year_gross_revenue"],
        ["Orders YoY", "orders", "last_year_orders"],
        ["New customers YoY", "new_customers", "last_year_new_customers"],
        ["Ad spend YoY", "ad_spend", "last_year_ad_spend"],
      ] as const)
        near(
          cells[at(title)],
          row[previous] && n(row, previous) ? n(row, current) / n(row, previous) - 1 : null,
          `${what} ${title}`,
        );
      near(cells[at("Incomplete days")], n(row, "incomplete_days"), `${what} incomplete days`);
      assert.equal(partial, n(row, "incomplete_days") > 0, `${what} marked iff it has incomplete days`);
    });
    assert.ok(
      executive.rows.some((row) => row.partial),
      "the demo's stale platforms leave a month marked",
    );

    // Channel mix: each channel's part of its month's total.
    const mix = (await csv("channel_mix")).filter(
      (row) => row.month! >= "2025-11-01" && row.month! <= RUN_DATE,
    );
    const mixMonths = [...new Set(mix.map((row) => row.month!))].sort();
    for (const [id, column] of [
      ["channels-mix-spend", "spend"],
      ["channels-mix-revenue", "attributed_revenue"],
    ] as const) {
      const shown = chart(id);
      assert.equal(shown.labels.length, mixMonths.length);
      mixMonths.forEach((month, index) => {
        const own = mix.filter((row) => row.month === month);
        const all = total(own, column);
        for (const set of shown.datasets) {
          const channel = own.find((row) => channelLabel(row.channel!) === set.label);
          near(set.data[index], channel ? n(channel, column) / all : 0, `${id} ${set.label} ${month}`);
        }
        near(
          shown.datasets.reduce((sum, set) => sum + (set.data[index] ?? 0), 0),
          1,
          `${id} ${month} adds up to 100 %`,
          0.0005,
        );
      });
    }

    // Refund rates over the 12 months from Dec 2025: summed refunded orders over summed orders, per product.
    const performance = (await csv("product_performance")).filter(
      (row) => row.month! >= "2025-12-01" && row.month! <= RUN_DATE,
    );
    near(
      tiles["products/refund_rate"]!.value,
      total(performance, "refunded_orders") / total(performance, "orders"),
      "refund rate",
    );
    const perProduct = new Map<string, { orders: number; refunded: number }>();
    for (const row of performance) {
      const item = perProduct.get(row.product_id!) ?? { orders: 0, refunded: 0 };
      item.orders += n(row, "orders");
      item.refunded += n(row, "refunded_orders");
      perProduct.set(row.product_id!, item);
    }
    const mostOrdered = [...perProduct.values()].sort((a, b) => b.orders - a.orders);
    const rates = chart("products-refund-rate").datasets[0]!.data;
    assert.deepEqual(
      rates.map((rate) => Math.round(rate! * 1e4)),
      mostOrdered
        .slice(0, 10)
        .map((item) => Math.round((item.refunded / item.orders) * 1e4))
        .sort((a, b) => b - a),
    );
    const refunds = await tableCells(tab, "products-refunds");
    assert.equal(refunds.rows.length, Math.min(20, mostOrdered.length));
    refunds.rows.forEach(({ cells }, index) => {
      const item = mostOrdered[index]!;
      near(cells[refunds.head.indexOf("Orders")], item.orders, `product #${index + 1} orders`);
      near(cells[refunds.head.indexOf("Refunded orders")], item.refunded, `product #${index + 1} refunded`);
      near(
        cells[refunds.head.indexOf("Refund rate")],
        item.refunded / item.orders,
        `product #${index + 1} rate`,
      );
    });

    // Premium products, the last 3 months; each share checked against all products' revenue of its month.
    const premium = (await csv("premium_products")).filter(
      (row) => row.month! >= "2026-09-01" && row.month! <= RUN_DATE,
    );
    const premiumTable = await tableCells(tab, "products-premium");
    assert.equal(premiumTable.rows.length, premium.length);
    assert.ok(premium.length > 0);
    const shownRevenue = premiumTable.rows.map(
      ({ cells }) => cells[premiumTable.head.indexOf("Revenue")] as number,
    );
    close(
      shownRevenue.reduce((a, b) => a + b, 0),
      total(premium, "revenue"),
      "premium revenue",
    );
    for (const { cells } of premiumTable.rows) {
      const row = premium.find(
        (item) =>
          item.product_title === cells[premiumTable.head.indexOf("Product")] &&
          n(item, "revenue") === cells[premiumTable.head.indexOf("Revenue")],
      );
      assert.ok(row, `premium row ${cells.join(" | ")} is in the CSV`);
      const monthRevenue = total(
        performance.filter((item) => item.month === row.month),
        "revenue",
      );
      near(
        cells[premiumTable.head.indexOf("Share of month")],
        n(row, "revenue") / monthRevenue,
        "share",
        0.0002,
      );
    }

    // Revenue by category and day.
    const daySales = (await csv("product_daily_sales")).filter(
      (row) => row.date! >= FIRST_DAY && row.date! <= RUN_DATE,
    );
    for (const set of chart("products-category-daily").datasets)
      set.data.forEach((value, index) =>
        close(
          value!,
          total(
            daySales.filter((row) => row.category === set.label && row.date === addDays(FIRST_DAY, index)),
            "revenue",
          ),
          `${set.label} on day ${index}`,
        ),
      );

    // Campaigns by day: the 5 biggest spenders of the 28 days; no point where the platform had not landed.
    const campaigns = (await csv("campaign_daily")).filter(
      (row) => row.date! >= FIRST_DAY && row.date! <= RUN_DATE,
    );
    const channelDays = (await csv("marketing_daily_channel")).filter(
      (row) => row.date! >= FIRST_DAY && row.date! <= RUN_DATE,
    );
    const key = (row: Row) => `${row.channel}|${row.campaign_id || row.campaign_name}`;
    const bySpend = new Map<string, number>();
    for (const row of campaigns) bySpend.set(key(row), (bySpend.get(key(row)) ?? 0) + n(row, "spend"));
    const top5 = [...bySpend.entries()]
      .filter(([, spend]) => spend > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name]) => name);
    const spendChart = chart("campaigns-daily-spend");
    const revenueChart = chart("campaigns-daily-revenue");
    assert.equal(spendChart.datasets.length, top5.length);
    let points = 0;
    top5.forEach((campaign, series) => {
      const own = campaigns.filter((row) => key(row) === campaign);
      const channel = own[0]!.channel;
      for (let index = 0; index < 28; index += 1) {
        const day = addDays(FIRST_DAY, index);
        const landed =
          !own.some((row) => row.date === day && row.is_complete !== "true") &&
          !channelDays.some(
            (row) => row.date === day && row.channel === channel && row.is_complete !== "true",
          );
        const ofDay = own.filter((row) => row.date === day);
        for (const [shown, column] of [
          [spendChart, "spend"],
          [revenueChart, "attributed_revenue"],
        ] as const) {
          const value = shown.datasets[series]!.data[index];
          if (landed) {
            close(value!, total(ofDay, column), `${campaign} ${column} on ${day}`);
            points += 1;
          } else assert.equal(value, null, `${campaign} ${column} on ${day}: no point`);
        }
      }
    });
    assert.ok(points > 100, `${points} points checked`);
    const daysTable = await tableCells(tab, "campaigns-daily-table");
    assert.equal(daysTable.rows.length, 28);
    // Each day in the shop's locale (fr-FR: "sam. 21 nov."), the day itself in <time datetime>.
    const shownDays = await tab
      .locator('[data-table="campaigns-daily-table"] tbody td:first-child')
      .evaluateAll((cells) =>
        cells.map((td) => [td.querySelector("time")?.getAttribute("datetime"), td.textContent]),
      );
    const dayName = new Intl.DateTimeFormat("fr-FR", {
      timeZone: "UTC",
      weekday: "short",
      day: "numeric",
      month: "short",
    });
    daysTable.rows.forEach(({ cells }, index) => {
      const day = addDays(FIRST_DAY, index);
      assert.deepEqual(shownDays[index], [day, dayName.format(new Date(`${day}T00:00:00Z`))]);
      assert.equal(cells[0], shownDays[index]![1]);
      top5.forEach((_, series) => {
        const spend = spendChart.datasets[series]!.data[index];
        const revenue = revenueChart.datasets[series]!.data[index];
        assert.equal(cells[1 + 2 * series], spend ?? "", "the table holds the chart's spend");
        assert.equal(cells[2 + 2 * series], revenue ?? "", "and its revenue");
      });
    });
    await tab.close();
  });

  it("has exactly the pages, charts and tables docs/dashboard.md lists for it", async () => {
    const doc = await readFile(new URL("../../docs/dashboard.md", import.meta.url), "utf8");
    const sections = doc
      .slice(doc.indexOf("## Pages and charts"))
      .split(/^### \d+\. /m)
      .slice(1);
    const documented = sections.map((section) => ({
      title: section.slice(0, section.indexOf(" — ")),
      ids: section
        .split("\n")
        .filter((line) => line.startsWith("|"))
        .flatMap((line) => [...(line.split("|").at(-2) ?? "").matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)])
        .map((match) => match[1]!)
        .sort(),
    }));
    const { tab } = await open(1280);
    const shown = await tab.locator("[data-page]").evaluateAll((pages) =>
      pages.map((page) => ({
        title: page.querySelector("h2")?.textContent ?? "",
        ids: Array.from(page.querySelectorAll("[data-chart], [data-table]"))
          .map((node) => node.getAttribute("data-chart") ?? node.getAttribute("data-table") ?? "")
          .sort(),
      })),
    );
    assert.deepEqual(shown, documented);
    await tab.close();
  });

  it("fits a 390 px phone without scrolling sideways", async () => {
    const { tab, errors } = await open(390);
    const widths = await tab.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      viewport: window.innerWidth,
    }));
    assert.equal(widths.viewport, 390);
    assert.ok(widths.document <= 390 && widths.body <= 390, JSON.stringify(widths));
    // The wide tables are wider than the phone: they scroll inside their own box, not the page.
    for (const id of ["overview-executive", "campaigns-daily-table", "products-refunds"]) {
      const box = await tab.locator(`[data-table="${id}"] .table-wrap`).evaluate((wrap) => ({
        inner: wrap.scrollWidth,
        outer: wrap.clientWidth,
        overflow: getComputedStyle(wrap).overflowX,
      }));
      assert.ok(box.outer <= 390 && box.inner > box.outer, `${id}: ${JSON.stringify(box)}`);
      assert.equal(box.overflow, "auto");
    }
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it("npm run preview renders it to full-page PNGs at a laptop's 1280 px and a phone's 390 px", async () => {
    const pngs = await previewDashboard(page(), workDir);
    assert.deepEqual(pngs, [join(workDir, "dashboard.png"), join(workDir, "dashboard-390.png")]);
    const [laptop, phone] = await Promise.all(pngs.map((png) => readFile(png)));
    // IHDR: width and height, big-endian, at bytes 16 and 20. Full page: far taller than the 900 px viewport,
    // and taller on the phone, where the charts stack.
    for (const png of [laptop!, phone!]) assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.equal(laptop!.readUInt32BE(16), 1280);
    assert.equal(phone!.readUInt32BE(16), 390);
    assert.ok(laptop!.readUInt32BE(20) > 3000, `height ${laptop!.readUInt32BE(20)}`);
    assert.ok(phone!.readUInt32BE(20) > laptop!.readUInt32BE(20), `phone height ${phone!.readUInt32BE(20)}`);
  });

  it("a missing extract does not fail the report: its page says it is missing", async () => {
    await rm(join(config.local.bucketDir, extractPath("product_daily_sales", RUN_DATE)));
    const report = await runLocally(config, message("again", { from: "report", to: "report", force: true }), {
      log: silentLogger(),
      warehouse,
      secrets: fixedSecrets({ piiHashKey: "d".repeat(40) }),
    });
    assert.deepEqual(report.failures, []);
    const { tab, errors, charts } = await open(1280);
    assert.deepEqual(errors, []);
    assert.match((await tab.locator("#products .missing").textContent()) ?? "", /product_daily_sales/);
    // Its daily charts are gone; the month extracts' refund rates are still drawn.
    assert.deepEqual(
      await tab.locator("#products canvas").evaluateAll((canvases) => canvases.map((canvas) => canvas.id)),
      ["chart-products-refund-rate"],
    );
    assert.ok(
      charts.some((chart) => chart.id === "overview-daily"),
      "the other pages still draw",
    );
    await tab.close();
  });
});
