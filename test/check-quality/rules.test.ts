import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attributionFindings, dropFinding } from "../../functions/check-quality/rules.ts";

const money = (value: number) => `$${Math.round(value).toLocaleString("en-US")}`;

describe("business rules", () => {
  it("flags a channel that spends with no attributed revenue, critical from two days on", () => {
    const findings = attributionFindings(
      [
        {
          channel: "meta",
          days_with_spend: 3,
          days_spend_without_revenue: 3,
          spend_without_revenue: 52_310.4,
          first_day: "2026-11-15",
          last_day: "2026-11-17",
        },
        {
          channel: "tiktok",
          days_with_spend: 4,
          days_spend_without_revenue: 1,
          spend_without_revenue: 800,
          first_day: "2026-11-17",
          last_day: "2026-11-17",
        },
        {
          channel: "google_ads",
          days_with_spend: 7,
          days_spend_without_revenue: 0,
          spend_without_revenue: 0,
          first_day: null,
          last_day: null,
        },
      ],
      7,
      money,
    );
    assert.deepEqual(
      findings.map((item) => [item.subject, item.severity]),
      [
        ["meta", "critical"],
        ["tiktok", "warning"],
      ],
    );
    assert.equal(
      findings[0]?.message,
      "Meta spent $52,310 with $0 attributed revenue on 3 of the last 7 days (2026-11-15 to 2026-11-17): UTM attribution looks broken.",
    );
  });

  it("flags a day far under the median of the same weekday, and only with enough history", () => {
    const history = [300, 310, 290, 1000, 305];
    assert.equal(
      dropFinding({ metric: "orders", observed: 150, history }, "2026-11-21")?.severity,
      "warning",
    );
    // 60% of the median (305) is 183: 190 is a quiet day, not an incident.
    assert.equal(dropFinding({ metric: "orders", observed: 190, history }, "2026-11-21"), undefined);
    assert.equal(
      dropFinding({ metric: "orders", observed: 0, history: [300, 300, 300] }, "2026-11-21"),
      undefined,
    );
    assert.equal(
      dropFinding({ metric: "orders", observed: 0, history: [0, 0, 0, 0] }, "2026-11-21"),
      undefined,
    );
  });
});
