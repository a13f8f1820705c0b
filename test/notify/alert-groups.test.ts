// Which source an alert is about, as the checks word their findings (subjects and tables copied from
// functions/check-sources and functions/check-quality), and the action the email gives for it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alertMemories } from "../../functions/lib/quality/alert-memory.ts";
import { groupAlerts, problemName, sourceOfFinding } from "../../functions/notify/alert-groups.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { ModelColumnsChangedError } from "../../functions/shared/model-columns.ts";
import { ColumnChangeRebuilds } from "../../functions/transform/model-shapes.ts";

const shape = (check: string, subject: string, extra: Partial<Finding> = {}) => ({
  check,
  subject,
  ...extra,
});

describe("alert groups", () => {
  it("finds the source from the finding's source, subject or table", () => {
    const cases: [ReturnType<typeof shape>, string | undefined][] = [
      [shape("source_freshness", "facebook_ads", { source: "facebook_ads" }), "facebook_ads"],
      [shape("attribution_broken", "tiktok", { table: "marts.marketing_daily_channel" }), "tiktok_ads"],
      [shape("reconciliation_mismatch", "google_ads:1234567890:clicks"), "google_ads"],
      [shape("metric_anomaly", "spend meta", { table: "marts.marketing_daily_channel" }), "facebook_ads"],
      [shape("metric_anomaly", "orders", { table: "marts.daily_kpis" }), "shopify"],
      [
        shape("duplicated_raw_batch", "shopify_orders 2026-11-09", { table: "raw.shopify_orders" }),
        "shopify",
      ],
      [
        shape("null_order_values", "shopify_unified.total_price", { table: "unified.shopify_unified" }),
        "shopify",
      ],
      [shape("inventory_new_column", "tiktok_ads_reports_daily"), "tiktok_ads"],
      [shape("audit_unique_daily_kpis", "daily_kpis", { table: "marts.daily_kpis" }), undefined],
    ];
    for (const [finding, source] of cases) assert.equal(sourceOfFinding(finding), source, finding.subject);
  });

  it("names a reconciliation mismatch by its metric", () => {
    const mismatch = (metric: string) =>
      problemName(
        { check: "reconciliation_mismatch", subject: `facebook_ads:1:${metric}`, metric },
        "facebook_ads",
        [],
        "en-US",
      );
    assert.equal(mismatch("spend"), "spend differs from the API");
    assert.equal(mismatch("clicks"), "clicks differ from the API");
  });

  it("names an ads connector's history still to pull, with nothing to do but read those days with care", () => {
    const owed = { check: "connector_history_owed", subject: "facebook_ads", source: "facebook_ads" };
    assert.equal(problemName(owed, "facebook_ads", [], "en-US"), "ad history still loading");
    const alert = {
      ...owed,
      step: "ingest",
      severity: "warning",
      blocking: false,
      message: "Meta Ads: 40 days of history are not pulled yet",
    } as const;
    const groups = groupAlerts(
      [alert],
      alertMemories([], [], "2026-11-21"),
      [],
      new Set(["facebook_ads"]),
      "en-US",
    );
    assert.deepEqual(
      groups.map((group) => `${group.name}: ${group.problems.join(", ")} — ${group.action}`),
      [
        "Meta: ad history still loading — nothing to do: the next runs pull the rest; read older days' Meta spend as incomplete until then",
      ],
    );
  });

  it("names spend without an exchange rate as such, not as data missing, and points to the details", () => {
    const noRate: Finding = {
      check: "exchange_rate_missing",
      step: "check-quality",
      severity: "warning",
      blocking: false,
      subject: "facebook_ads.act_9",
      table: "unified.ad_performance",
      column: "fx_rate",
      source: "facebook_ads",
      observed: "USD: 2026-11-20",
      message:
        "Meta Ads account act_9 spends in USD, and there is no exchange rate to the shop's EUR for 2026-11-20.",
    };
    const groups = groupAlerts([noRate], alertMemories([], [], "2026-11-21"), [], new Set(), "en-US");
    assert.deepEqual(
      groups.map((group) => `${group.name}: ${group.problems.join(", ")} — ${group.action}`),
      [
        "Meta: spend without an exchange rate — give Meta's spend its exchange rates (its rows landed; which days, and how: below)",
      ],
    );
  });

  it("names a BigQuery cost jump and points to the command that finds the model", () => {
    const costJump: Finding = {
      check: "transform_cost_jump",
      step: "check-quality",
      severity: "warning",
      blocking: false,
      subject: "transform",
      metric: "bigquery_bytes_billed",
      message:
        "The transform billed 9.0 GiB on BigQuery, 3.0× the median of its last 14 daily runs (3.0 GiB).",
    };
    const groups = groupAlerts([costJump], alertMemories([], [], "2026-11-21"), [], new Set(), "en-US");
    assert.deepEqual(
      groups.map((group) => `${group.name}: ${group.problems.join(", ")} — ${group.action}`),
      [
        "Other checks: BigQuery bill jumped — find the model that reads all history (npm start -- plan --cloud)",
      ],
    );
  });

  it("names tables rebuilt after an upgrade, with nothing to do, under other checks (not the source of the table)", () => {
    const rebuilds = new ColumnChangeRebuilds(silentLogger());
    rebuilds.columnsChanged(
      new ModelColumnsChangedError("staging", "stg_facebook_ads_insights", {
        added: [],
        removed: [],
        retyped: [{ column: "spend", was: "DECIMAL(38,2)", now: "DECIMAL(38,6)" }],
      }),
    );
    const groups = groupAlerts(
      rebuilds.findings(),
      alertMemories([], [], "2026-11-21"),
      [],
      new Set(),
      "en-US",
    );
    assert.deepEqual(
      groups.map((group) => `${group.name}: ${group.problems.join(", ")} — ${group.action}`),
      ["Other checks: tables rebuilt after an upgrade — nothing to do: earlier days now follow the new code"],
    );
  });

  it("sends attribution coverage to the ad links, not to one platform's pixel", () => {
    const coverage: Finding = {
      check: "attribution_coverage",
      step: "check-quality",
      severity: "warning",
      blocking: false,
      subject: "utm_source",
      table: "unified.shopify_unified",
      message: "Only 27% of orders carry a UTM source.",
    };
    const audit: Finding = {
      ...coverage,
      check: "audit_unique_daily_kpis",
      subject: "daily_kpis",
      table: "marts.daily_kpis",
    };
    const groups = groupAlerts(
      [coverage, audit],
      alertMemories([], [], "2026-11-21"),
      [],
      new Set(),
      "en-US",
    );
    assert.deepEqual(
      groups.map((group) => `${group.name}: ${group.problems.join(", ")} — ${group.action}`),
      [
        "Shopify: few orders carry UTM tags — check that ad links still carry their UTM parameters",
        "Other checks: a model audit failed — see the details below",
      ],
    );
  });

  it("asks for no re-run for a batch landed twice: staging already counts each order once", () => {
    // The finding's own words (functions/check-quality/rules.ts) say the copies were removed in staging.
    const twice: Finding = {
      check: "duplicated_raw_batch",
      step: "check-quality",
      severity: "warning",
      blocking: false,
      subject: "shopify_orders 2026-11-14",
      source: "shopify",
      table: "raw.shopify_orders",
      message:
        "A batch of 436 Shopify orders from 2026-11-14 landed twice in the raw data; the copies were removed in staging and counted once.",
    };
    const groups = groupAlerts([twice], alertMemories([], [], "2026-11-21"), [], new Set(), "en-US");
    assert.deepEqual(
      groups.map((group) => `${group.name}: ${group.problems.join(", ")} — ${group.action}`),
      [
        "Shopify: a batch loaded twice — nothing to re-run (each order is counted once); if it recurs, check the Shopify sync",
      ],
    );
  });

  it("names a raw table BigQuery reads whole every day by what it costs, not as a schema change", () => {
    const unpartitioned: Finding = {
      check: "inventory_unpartitioned_table",
      step: "check-sources",
      severity: "warning",
      blocking: false,
      subject: "shopify_orders",
      source: "shopify",
      table: "shopify_orders",
      message: "Raw table shopify_orders is not partitioned on _airbyte_extracted_at: …",
    };
    const groups = groupAlerts([unpartitioned], alertMemories([], [], "2026-11-21"), [], new Set(), "en-US");
    assert.deepEqual(
      groups.map((group) => `${group.name}: ${group.problems.join(", ")} — ${group.action}`),
      [
        "Shopify: a raw table read whole every day — have the pipeline's engineer recreate it partitioned (how: below)",
      ],
    );
  });
});
