// Two Meta ad accounts whose exports name their account but not their ads' ids, with campaigns, ad sets and ads of
// the same names: each account's ads are its own. One id derived from the names alone left one ad-day of the two
// in staging (newest extraction wins), and the other account's spend was lost without a word.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { dropThroughTransform, fixture } from "./harness.ts";

describe("two ad accounts with the same names, exported without ad ids", { timeout: 120_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    const original = (await fixture("meta-ads-daily.csv")).toString("utf8").trimEnd();
    const ofAccount = (account: string) =>
      `${original
        .split("\n")
        .map((line, index) => (index === 0 ? `"Account ID",${line}` : `${account},${line}`))
        .join("\n")}\n`;
    ({ workDir, warehouse } = await dropThroughTransform("ad-accounts", {
      "meta-111.csv": ofAccount("111"),
      "meta-222.csv": ofAccount("222"),
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("keeps both accounts' spend in staging", async () => {
    const rows = await warehouse.query<{ date: string; account_id: string; spend: number; ads: bigint }>(
      `SELECT CAST(date AS STRING) AS date, account_id, CAST(SUM(spend) AS FLOAT64) AS spend, COUNT(*) AS ads
       FROM staging.stg_facebook_ads_insights GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    // By hand from the fixture: 20 Nov 15.00 (1 ad), 21 Nov 124.00 + 56.78 + 19.10 (3 ads), in each account.
    assert.deepEqual(
      rows.map((row) => [row.date, row.account_id, Number(row.spend.toFixed(2)), Number(row.ads)]),
      [
        ["2026-11-20", "111", 15, 1],
        ["2026-11-20", "222", 15, 1],
        ["2026-11-21", "111", 199.88, 3],
        ["2026-11-21", "222", 199.88, 3],
      ],
    );
  });
});
