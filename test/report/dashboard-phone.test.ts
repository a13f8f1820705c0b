// The dashboard page as a reader on a 390 px phone gets it (and on a 1280 px laptop, which must not get worse), in
// headless Chromium, for a small EUR shop in de-DE whose data began a few days into the 28-day window. The rows
// are hand-made here; every expected label, name and number below is written out from them by hand.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { readChartJs, renderDashboardHtml } from "../../functions/report/dashboard-render.ts";
import type { ExtractRow, ExtractTables } from "../../functions/report/dashboard-rows.ts";
import { launchBrowser, openPage } from "../support/browser.ts";

const RUN_DATE = "2026-11-08"; // window: Mon 12 Oct … Sun 8 Nov 2026; the shop's data begins Thu 15 Oct
const SHOP = { name: "Nordlicht Kaffee", currency: "EUR", locale: "de-DE" };

function rows(header: string, ...lines: string[]): ExtractRow[] {
  const columns = header.split(",");
  return lines.map((line) =>
    Object.fromEntries(line.split("|").map((cell, index) => [columns[index]!, cell])),
  );
}

const daily = rows(
  "date,orders,gross_revenue,net_revenue,new_customers,new_customer_revenue,returning_customer_revenue,ad_spend,orders_missing_value,orders_with_value,is_complete,missing_sources",
  "2026-10-15|6|938.2|742.2|5|834.5|103.7|223.3|0|6|true|",
  "2026-10-16|8|1365.31|1335.36|7|1168.51|196.8|270.41|0|8|false|tiktok_ads",
  "2026-11-08|9|1480|1400|6|1000|480|260|0|9|true|",
);

// Attributed orders: 60 direct & organic, 25 + 15 Google Ads, 20 TikTok = 120 in all, 60 of them paid.
const channels = rows(
  "date,channel,spend,impressions,clicks,attributed_orders,attributed_revenue,is_complete,missing_sources",
  "2026-10-15|direct_or_organic|0|0|0|40|6000|true|",
  "2026-10-15|google_ads|2000|120000|6000|25|5000|true|",
  "2026-10-15|tiktok|1000|350000|5000|20|3000|true|",
  "2026-11-08|direct_or_organic|0|0|0|20|8800|true|",
  "2026-11-08|google_ads|2105|135108|6498|15|5500|true|",
  "2026-11-08|tiktok|1163|347429|4762|0|3100|true|",
);

const campaigns = rows(
  "date,platform,channel,campaign_id,campaign_name,ad_group_id,spend,platform_conversion_value,attributed_orders,attributed_revenue,is_complete",
  "2026-10-15|tiktok_ads|tiktok|t1|Herbst Spark|g1|70.79|171.08|||true",
  "2026-10-15|tiktok_ads|tiktok|t1|Herbst Spark||||2|341.8|true",
  "2026-10-15|google_ads|google_ads|s1|Shopping - Kaffee|g2|36.91|75.47|||true",
  "2026-11-08|tiktok_ads|tiktok|t1|Herbst Spark|g1|95.49|120|||true",
  "2026-11-08|tiktok_ads|tiktok|t1|Herbst Spark||||3|471|true",
  "2026-11-08|google_ads|google_ads|s1|Shopping - Kaffee|g2|103.76|150|||true",
);

const MESSAGES = [
  "TikTok spent 160 € with 0 € attributed revenue on 2 of the last 7 days (2026-10-18 to 2026-10-20): UTM attribution looks broken.",
  "Data test failed: an order's total equals its subtotal plus shipping plus tax, within a cent (63 offending rows).",
  "9 rows of unified.shopify_unified in the run window are in CHF, not the shop's EUR: they are added up as if they were EUR.",
];
// As the page shows them: the stored sentence's ISO dates in the shop's locale (de-DE).
const SHOWN_MESSAGES = [
  "TikTok spent 160 € with 0 € attributed revenue on 2 of the last 7 days (18.–20. Okt. 2026): UTM attribution looks broken.",
  MESSAGES[1],
  MESSAGES[2],
];
const findings = rows(
  "run_date,step,check_name,subject,severity,message",
  `2026-11-08|check-quality|attribution_broken|tiktok|critical|${MESSAGES[0]}`,
  `2026-11-08|check-quality|audit_order_totals_balance|unified.shopify_unified|warning|${MESSAGES[1]}`,
  `2026-11-08|check-quality|currency_mismatch|unified.shopify_unified.currency|warning|${MESSAGES[2]}`,
);

const executive = rows(
  "month,period_end,days,orders,gross_revenue,net_revenue,new_customers,ad_spend,last_year_orders,last_year_gross_revenue,last_year_ad_spend,last_year_new_customers,incomplete_days,orders_with_value",
  "2026-10-01|2026-10-31|17|69|11068|10500|50|3100|||||0|69",
  "2026-11-01|2026-11-08|8|56|9289|9000|40|1800|||||0|56",
);

const TABLES: ExtractTables = {
  daily_kpis: daily,
  marketing_daily_channel: channels,
  campaign_daily: campaigns,
  findings,
  executive_summary_monthly: executive,
};

interface DrawnLabel {
  text: string;
  left: number;
  right: number;
}

describe("the dashboard page on a 390 px phone", { timeout: 120_000 }, () => {
  let dir: string;
  let file: string;
  let browser: Browser;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-dashboard-phone-"));
    file = join(dir, "dashboard.html");
    const model = buildDashboardModel(TABLES, { runDate: RUN_DATE, shop: SHOP, demo: false });
    await writeFile(file, renderDashboardHtml(model, await readChartJs()));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function open(width: number): Promise<{ tab: Page; errors: string[] }> {
    const opened = await openPage(browser, width);
    await opened.page.goto(pathToFileURL(file).toString());
    await opened.page.waitForFunction(() => document.querySelectorAll("canvas").length > 0);
    return { tab: opened.page, errors: opened.errors };
  }

  /** The category labels Chart.js drew on a chart's x axis (each a line or lines), left to right. */
  async function drawnLabels(tab: Page, id: string): Promise<DrawnLabel[]> {
    return tab.evaluate((chartId) => {
      type Item = { label: string | string[]; font: { string: string }; options: { translation: number[] } };
      const chart = (
        window as unknown as {
          Chart: {
            getChart(id: string): {
              ctx: CanvasRenderingContext2D;
              scales: { x: { getLabelItems(): Item[] } };
            };
          };
        }
      ).Chart.getChart(`chart-${chartId}`);
      if (!chart) return [];
      return chart.scales.x.getLabelItems().map((item) => {
        const lines = Array.isArray(item.label) ? item.label : [item.label];
        chart.ctx.font = item.font.string;
        const width = Math.max(...lines.map((line) => chart.ctx.measureText(line).width));
        const x = item.options.translation[0]!;
        return { text: lines.join(" "), left: x - width / 2, right: x + width / 2 };
      });
    }, id);
  }

  for (const width of [390, 1280])
    it(`names every bar group of a chart of names, none overlapping, at ${width} px`, async () => {
      const { tab, errors } = await open(width);
      for (const [id, names] of [
        ["channels-revenue", ["Direct & organic", "Google Ads", "TikTok"]],
        ["channels-roas", ["Google Ads", "TikTok"]],
        ["quality-findings", ["Critical", "Warning", "Info"]],
      ] as const) {
        const labels = await drawnLabels(tab, id);
        assert.deepEqual(
          labels.map((item) => item.text),
          names,
          `${id} at ${width} px: every name drawn`,
        );
        labels
          .slice(1)
          .forEach((item, index) =>
            assert.ok(
              item.left >= labels[index]!.right,
              `${id} at ${width} px: "${item.text}" overlaps "${labels[index]!.text}"`,
            ),
          );
      }
      assert.deepEqual(errors, []);
      await tab.close();
    });

  /**
   * Each row of a table as the reader sees it in its box: the row's height, and how much of it the lines of text
   * wholly inside the box fill (from the top of the first to the bottom of the last), with every cell.
   */
  async function visibleRows(tab: Page, id: string) {
    return tab.locator(`[data-table="${id}"] .table-wrap`).evaluate((wrap) => {
      const box = wrap.getBoundingClientRect();
      return {
        scrolls: wrap.scrollWidth > wrap.clientWidth + 1,
        header: Array.from(wrap.querySelectorAll("thead th"))
          .filter((th) => th.getBoundingClientRect().height > 1)
          .map((th) => th.textContent ?? ""),
        rows: Array.from(wrap.querySelectorAll("tbody tr")).map((tr) => {
          // The lines of text only (a range over the row would also give the cells' own boxes).
          const lines: DOMRect[] = [];
          const walker = document.createTreeWalker(tr, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            lines.push(...Array.from(range.getClientRects()));
          }
          const seen = lines.filter(
            (rect) => rect.width > 0 && rect.left >= box.left - 0.5 && rect.right <= box.right + 0.5,
          );
          const text = seen.length
            ? Math.max(...seen.map((rect) => rect.bottom)) - Math.min(...seen.map((rect) => rect.top))
            : 0;
          return {
            height: tr.getBoundingClientRect().height,
            text,
            cells: Array.from(tr.querySelectorAll("td")).map((td) => {
              const rect = td.getBoundingClientRect();
              return {
                text: td.textContent ?? "",
                inside: rect.left >= box.left - 0.5 && rect.right <= box.right + 0.5 && rect.width > 0,
              };
            }),
          };
        }),
      };
    });
  }

  it("shows every finding's whole message on a 390 px phone, in rows no taller than their text", async () => {
    const { tab } = await open(390);
    const table = await visibleRows(tab, "quality-findings-table");
    assert.equal(table.scrolls, false, "the findings do not scroll sideways");
    assert.equal(table.rows.length, 3);
    table.rows.forEach((row, index) => {
      const message = row.cells.find((cell) => cell.text === SHOWN_MESSAGES[index]);
      assert.ok(message, `finding ${index + 1}: its message is in a cell`);
      assert.ok(message.inside, `finding ${index + 1}: its message is on screen`);
      for (const cell of row.cells) assert.ok(cell.inside, `finding ${index + 1}: "${cell.text}" on screen`);
      // Padding only: a row whose visible text fills a fraction of it reads as an empty row.
      assert.ok(
        row.height - row.text <= 24,
        `finding ${index + 1}: ${row.height} px tall, its visible text ${row.text} px`,
      );
    });
    assert.deepEqual(
      table.rows.map((row) => row.cells.slice(0, 3).map((cell) => cell.text)),
      [
        ["critical", "check-quality", "attribution_broken"],
        ["warning", "check-quality", "audit_order_totals_balance"],
        ["warning", "check-quality", "currency_mismatch"],
      ],
    );
    await tab.close();
  });

  /**
   * Every table's box: whether a cell is cut off by its right edge, and what the reader is shown about it: a
   * visible line of text above the table that says it scrolls, and a shade over the cut-off edge. Then the same
   * once the table is scrolled to its end.
   */
  async function scrollBoxes(tab: Page) {
    // One pass per section and position; no function is named inside (the page has no esbuild helpers).
    return tab.locator("[data-table]").evaluateAll(async (sections) => {
      const result = [];
      for (const section of sections) {
        const wrap = section.querySelector<HTMLElement>(".table-wrap");
        if (!wrap) continue;
        const states = [];
        for (const scrollLeft of [0, wrap.scrollWidth]) {
          wrap.scrollLeft = scrollLeft;
          await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
          const box = wrap.getBoundingClientRect();
          const cut = Array.from(wrap.querySelectorAll("th, td")).filter(
            (cell) => cell.getBoundingClientRect().right > box.right + 0.5,
          );
          // Any element beside the box whose text mentions scrolling, as the reader sees it.
          const hints = Array.from(section.querySelectorAll<HTMLElement>(":scope > :not(h3)"))
            .filter((node) => !node.contains(wrap) && /scroll|swipe/i.test(node.textContent ?? ""))
            .filter((node) => node.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
            .filter((node) => node.getBoundingClientRect().height > 0);
          // A shade over the box's right edge: a pseudo-element of the box or of its parent, drawn and opaque.
          const shades = [wrap, wrap.parentElement!].flatMap((node) =>
            (["::before", "::after"] as const).filter((pseudo) => {
              const style = getComputedStyle(node, pseudo);
              const right = Number.parseFloat(style.right);
              return (
                style.content !== "none" &&
                style.display !== "none" &&
                Number(style.opacity) > 0 &&
                Number.parseFloat(style.width) > 0 &&
                Number.isFinite(right) &&
                right <= 2 &&
                style.backgroundImage !== "none"
              );
            }),
          );
          states.push({
            cut: cut.map((cell) => cell.textContent ?? ""),
            hint: hints.map((node) => node.textContent ?? "").join(" "),
            shaded: shades.length > 0,
          });
        }
        wrap.scrollLeft = 0;
        result.push({ id: section.getAttribute("data-table") ?? "", atStart: states[0]!, atEnd: states[1]! });
      }
      return result;
    });
  }

  for (const width of [390, 1280])
    it(`cuts no table cell off at its box's edge without a visible sign that it scrolls, at ${width} px`, async () => {
      const { tab, errors } = await open(width);
      const boxes = await scrollBoxes(tab);
      assert.ok(boxes.length >= 5, `${boxes.length} tables`);
      for (const { id, atStart, atEnd } of boxes) {
        if (atStart.cut.length) {
          assert.match(
            atStart.hint,
            /scroll/i,
            `${id} at ${width} px: cells cut off (${atStart.cut[0]}), no hint`,
          );
          assert.ok(atStart.shaded, `${id} at ${width} px: its cut-off edge is shaded`);
        } else {
          assert.equal(atStart.hint, "", `${id} at ${width} px: fits, and says nothing of scrolling`);
          assert.equal(atStart.shaded, false, `${id} at ${width} px: fits, no shade`);
        }
        // Scrolled to its end, the last columns are whole and the edge no longer promises more.
        assert.deepEqual(atEnd.cut, [], `${id} at ${width} px: whole at the end`);
        assert.equal(atEnd.shaded, false, `${id} at ${width} px: no shade at the end`);
      }
      const cut = boxes.filter((box) => box.atStart.cut.length).map((box) => box.id);
      if (width === 390)
        for (const id of ["overview-executive", "channels-table", "campaigns-daily-table"])
          assert.ok(cut.includes(id), `${id} is wider than a phone: ${cut.join(", ")}`);
      else assert.deepEqual(cut, [], "every table fits 1280 px");
      assert.deepEqual(errors, []);
      await tab.close();
    });

  it("says the channels' order count takes in every channel, beside the paid-only tiles", async () => {
    const { tab } = await open(390);
    const tiles = await tab.locator("#channels [data-tile]").evaluateAll((nodes) =>
      nodes.map((node) => ({
        label: node.querySelector(".tile-label")?.textContent ?? "",
        // Intl puts a no-break space between the number and "€": read here as a plain one.
        value: (node.querySelector(".tile-value")?.textContent ?? "").replace(/[\u00a0\u202f]/g, " "),
        under: Array.from(node.children)
          .slice(2)
          .map((child) => child.textContent ?? "")
          .join(" | "),
      })),
    );
    // Paid: Google Ads 2000 + 2105 spend, 5000 + 5500 revenue; TikTok 1000 + 1163, 3000 + 3100.
    assert.deepEqual(tiles, [
      { label: "Paid spend", value: "6.268 €", under: "" },
      { label: "Paid attributed revenue", value: "16.600 €", under: "" },
      { label: "Paid ROAS", value: "2,65", under: "" },
      // 40 + 20 direct & organic, 25 + 15 Google Ads, 20 + 0 TikTok.
      { label: "Attributed orders, all channels", value: "120", under: "60 from paid channels" },
    ]);
    await tab.close();
  });

  it("shows the days of its tables in the shop's locale, and no campaign day before the shop's data began", async () => {
    const { tab } = await open(390);
    const table = await tab.locator('[data-table="campaigns-daily-table"]').evaluate((section) => ({
      days: Array.from(section.querySelectorAll("tbody tr")).map((tr) => ({
        text: tr.querySelector("td")?.textContent ?? "",
        datetime: tr.querySelector("td time")?.getAttribute("datetime") ?? "",
      })),
      cells: Array.from(section.querySelectorAll("tbody tr")).map((tr) =>
        Array.from(tr.querySelectorAll("td"), (td) => (td.textContent ?? "").replace(/[\u00a0\u202f]/g, " ")),
      ),
      caveat: section.querySelector(".caveat")?.textContent ?? "",
    }));
    // The data begins Thu 15 Oct: from then to Sun 8 Nov, 17 days of October and 8 of November.
    assert.equal(table.days.length, 25);
    assert.deepEqual(table.days[0], { text: "Do. 15. Okt.", datetime: "2026-10-15" });
    assert.deepEqual(table.days[1], { text: "Fr. 16. Okt.", datetime: "2026-10-16" });
    assert.deepEqual(table.days.at(-1), { text: "So. 8. Nov.", datetime: "2026-11-08" });
    for (const { text } of table.days) assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/);
    // Herbst Spark (TikTok), spend and revenue, then Shopping - Kaffee (Google Ads): its first and last days.
    assert.deepEqual(table.cells[0], ["Do. 15. Okt.", "70,79 €", "341,80 €", "36,91 €", "0,00 €"]);
    assert.deepEqual(table.cells.at(-1), ["So. 8. Nov.", "95,49 €", "471,00 €", "103,76 €", "0,00 €"]);
    assert.match(table.caveat, /No row before Do\. 15\. Okt\./);
    // The charts start on Thu 15 Oct too: the three days before (Mon 12 – Wed 14 Oct) are not drawn at all.
    const spend = await tab.evaluate(
      () =>
        (
          window as unknown as {
            Chart: {
              getChart(id: string): { data: { datasets: { data: (number | null)[] }[] } } | undefined;
            };
          }
        ).Chart.getChart("chart-campaigns-daily-spend")?.data.datasets.map((set) => set.data.slice(0, 2)) ??
        [],
    );
    assert.deepEqual(spend, [
      [70.79, 0],
      [36.91, 0],
    ]);
    // The incomplete days' table too: Fri 16 Oct lacked TikTok.
    const incomplete = await tab
      .locator('[data-table="quality-incomplete-days"] tbody td')
      .evaluateAll((cells) => cells.map((td) => td.textContent ?? ""));
    assert.deepEqual(incomplete.slice(0, 2), ["Fr. 16. Okt.", "TikTok"]);
    await tab.close();
  });

  for (const width of [390, 1280])
    it(`draws the daily charts from the shop's first day, Thu 15 Oct, to the run date, at ${width} px`, async () => {
      const { tab, errors } = await open(width);
      // 15 to 31 Oct and 1 to 8 Nov: 17 + 8 = 25 days, where a chart of the whole window would have 28.
      const days = [
        ...Array.from({ length: 17 }, (_, index) => `${15 + index}. Okt.`),
        ...Array.from({ length: 8 }, (_, index) => `${1 + index}. Nov.`),
      ];
      for (const id of [
        "overview-daily",
        "overview-customers",
        "channels-daily-spend",
        "campaigns-daily-spend",
      ]) {
        const chart = await tab.evaluate(
          (chartId) =>
            (
              window as unknown as {
                Chart: { getChart(id: string): { data: { labels: string[] } } | undefined };
              }
            ).Chart.getChart(`chart-${chartId}`)?.data.labels ?? [],
          id,
        );
        assert.deepEqual(chart, days, `${id} at ${width} px`);
        // What the reader sees: the axis begins at the first day, and the labels it draws do not overlap.
        const drawn = await drawnLabels(tab, id);
        assert.equal(
          drawn[0]?.text,
          "15. Okt.",
          `${id} at ${width} px: ${drawn.map((item) => item.text).join(", ")}`,
        );
        assert.ok(
          drawn.length >= (width === 390 ? 4 : 8),
          `${id} at ${width} px: ${drawn.length} labels drawn`,
        );
        drawn
          .slice(1)
          .forEach((item, index) =>
            assert.ok(item.left >= drawn[index]!.right, `${id} at ${width} px: "${item.text}" overlaps`),
          );
      }
      const titles = await tab.locator("#overview .chart figcaption").allTextContents();
      assert.ok(
        titles.includes("Revenue and ad spend by day, last 25 days (15. Okt. – 8. Nov. 2026)"),
        titles.join(" | "),
      );
      assert.deepEqual(errors, []);
      await tab.close();
    });

  for (const width of [390, 1280])
    it(`names in its header the 25 days the pages show, whole on screen, at ${width} px`, async () => {
      const { tab, errors } = await open(width);
      const header = await tab.locator("header p").evaluate((p) => {
        const box = p.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(p);
        const lines = Array.from(range.getClientRects()).filter((rect) => rect.width > 0);
        return {
          text: p.textContent ?? "",
          inside: lines.every((rect) => rect.left >= 0 && rect.right <= window.innerWidth + 0.5),
          overflows: p.scrollWidth > p.clientWidth + 1,
          pageWidth: document.documentElement.scrollWidth,
          height: box.height,
        };
      });
      // 15 to 31 Oct and 1 to 8 Nov: 25 days, as the daily charts' titles count them; not "last 28 days".
      assert.equal(
        header.text,
        "Dashboard for So. 8. Nov. 2026 · last 25 days, since the data began: 15. Okt. – 8. Nov. 2026 · EUR",
      );
      assert.ok(header.inside, `${width} px: a line of the header runs off screen`);
      assert.equal(header.overflows, false, `${width} px: the header overflows its box`);
      assert.ok(header.pageWidth <= width, `${width} px: the page is ${header.pageWidth} px wide`);
      const titles = await tab.locator("#overview .chart figcaption").allTextContents();
      assert.ok(titles.some((title) => title.includes(", last 25 days (15. Okt. – 8. Nov. 2026)")));
      assert.deepEqual(errors, []);
      await tab.close();
    });

  it("keeps the findings a table of one line per finding at 1280 px", async () => {
    const { tab } = await open(1280);
    const table = await visibleRows(tab, "quality-findings-table");
    assert.deepEqual(table.header, ["Severity", "Step", "Check", "Message"]);
    assert.equal(table.scrolls, false);
    for (const row of table.rows) {
      assert.ok(row.height < 40, `one line: ${row.height} px`);
      assert.ok(row.cells.every((cell) => cell.inside));
    }
    await tab.close();
  });
});
