// The premium products slide: the run month's premium products (top decile of list price) from their mart
// rows, with last month's share beside each, and a subtitle whose totals are the test's own sums.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PremiumProductRow } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ContentSlide } from "../../functions/report/deck-model.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { openDeck, slideWithTitle, tableRows, usd } from "./pptx-reader.ts";
import { buildReportData } from "./report-data-fixture.ts";

const premium = (
  month: string,
  id: string,
  title: string,
  revenue: number,
  share: number,
): PremiumProductRow => ({
  month,
  product_id: id,
  product_title: title,
  category: "Outerwear",
  list_price: 240,
  premium_threshold: 199.5,
  units: revenue / 240,
  orders: revenue / 240,
  revenue,
  revenue_share: share,
});

describe("deck premium products", () => {
  it("lists the month's premium products with last month's share, and sums them in the subtitle", async () => {
    const data = buildReportData();
    data.marts.premiumProducts = [
      premium("2026-10-01", "p9", "Wool Coat", 12_000, 0.05),
      premium("2026-11-01", "p9", "Wool Coat", 24_000, 0.08),
      premium("2026-11-01", "p8", "Down Parka", 9_600, 0.032),
    ];
    const content = buildDeckContent(data);
    const slide = content.slides.find((one) => one.kind === "premium") as ContentSlide;
    assert.equal(
      slide.subtitle,
      `2 premium products (list price ${usd(199.5)} or more) sold ${usd(24_000 + 9_600)}, ${((0.08 + 0.032) * 100).toFixed(1)}% of product revenue.`,
    );
    const deck = await openDeck(await renderDeck(content));
    assert.deepEqual(tableRows(slideWithTitle(deck, "Premium products").xml, "premium-products").slice(1), [
      ["Wool Coat", "Outerwear", usd(240, 2), "100", usd(24_000), "8.0%", "5.0%"],
      ["Down Parka", "Outerwear", usd(240, 2), "40", usd(9_600), "3.2%", "n/a"],
    ]);
  });
});
