import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { anomaliesDocument, renderAnomaliesMarkdown } from "../../functions/lib/quality/anomalies-file.ts";
import { loadAudits, parseAudit } from "../../functions/check-quality/audits.ts";
import type { Finding } from "../../functions/shared/findings.ts";

describe("audits", () => {
  it("parse their header, table and column", () => {
    const audit = parseAudit(
      "unique_x.sql",
      "-- Audit (blocking): one row per x.\n-- Table: unified.x\n-- Column: x_id\nSELECT 1",
    );
    assert.deepEqual(
      { ...audit, sql: undefined },
      {
        name: "unique_x",
        blocking: true,
        description: "one row per x.",
        table: "unified.x",
        column: "x_id",
        sql: undefined,
      },
    );
    assert.throws(() => parseAudit("bad.sql", "SELECT 1"), /must start with/);
  });

  it("declare blocking for unique and referential keys of the unified tables", () => {
    const audits = new Map(loadAudits().map((audit) => [audit.name, audit]));
    for (const name of [
      "unique_shopify_unified",
      "unique_stg_shopify_line_items",
      "unique_ad_performance",
      "line_items_have_orders",
      "not_null_shopify_unified",
    ])
      assert.equal(audits.get(name)?.blocking, true, name);
    for (const name of [
      "accepted_channels",
      "accepted_currency_codes",
      "product_sales_have_products",
      "kpi_totals_balance",
    ])
      assert.equal(audits.get(name)?.blocking, false, name);
  });
});

describe("the anomalies file", () => {
  const finding = (partial: Partial<Finding>): Finding => ({
    check: "source_freshness",
    step: "check-sources",
    severity: "critical",
    blocking: false,
    subject: "facebook_ads",
    message: "Meta Ads data is 5 days old (last day 2026-11-16).",
    ...partial,
  });

  it("lists findings by severity with where, observed and expected, escaping table cells", () => {
    const markdown = renderAnomaliesMarkdown(
      anomaliesDocument("2026-11-21", [
        finding({
          severity: "warning",
          check: "null_rate",
          subject: "t.c",
          table: "t",
          column: "c",
          expected: "a|b",
          message: "NULLs.",
        }),
        finding({
          source: "facebook_ads",
          table: "facebook_ads_insights",
          observed: "2026-11-16",
          expected: "data through 2026-11-21",
        }),
      ]),
    );
    assert.match(
      markdown,
      /^# Checks for 2026-11-21\n\n1 critical, 1 warning, 0 for information\. Nothing blocks the run\./,
    );
    assert.ok(markdown.indexOf("## Critical") < markdown.indexOf("## Warnings"));
    assert.match(
      markdown,
      /\| source_freshness \| check-sources \| facebook_ads, facebook_ads_insights \| 2026-11-16 \| data through 2026-11-21 \|/,
    );
    assert.match(markdown, /a\\\|b/);
  });

  it("says so when every check passed", () => {
    assert.match(renderAnomaliesMarkdown(anomaliesDocument("2026-11-21", [])), /Every check passed/);
  });
});
