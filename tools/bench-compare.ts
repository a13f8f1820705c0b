// The baseline's honesty check: its four outputs against the project's marts, row by row on the columns both
// compute (rounded to the cent where money is summed in floating point), in a DuckDB that attaches both files
// read-only.
import { DuckDBInstance } from "@duckdb/node-api";
import type { ValueCheck } from "./bench-report.ts";

/** Each output as the same column list from the project's marts (p) and from the baseline (b). */
const OUTPUTS: { output: string; project: string; baseline: string }[] = [
  {
    output: "daily_kpis",
    project: `SELECT date, orders, round(gross_revenue::DOUBLE, 2), round(refunds::DOUBLE, 2),
      round(net_revenue::DOUBLE, 2), units, new_customers, round(ad_spend::DOUBLE, 2) FROM p.marts.daily_kpis`,
    baseline: `SELECT date, orders, round(gross_revenue::DOUBLE, 2), round(refunds::DOUBLE, 2),
      round(net_revenue::DOUBLE, 2), units, new_customers, round(ad_spend::DOUBLE, 2) FROM b.base_daily_kpis`,
  },
  {
    output: "marketing_daily_channel",
    // The mart also has a row for every paid channel on days with nothing (NULL spend while its platform had
    // not landed): the rows with spend or attributed orders are compared.
    project: `SELECT date, channel, round(COALESCE(spend, 0)::DOUBLE, 2), attributed_orders,
      round(attributed_revenue::DOUBLE, 2) FROM p.marts.marketing_daily_channel
      WHERE COALESCE(spend, 0) <> 0 OR attributed_orders <> 0`,
    baseline: `SELECT date, channel, round(spend::DOUBLE, 2), attributed_orders, round(attributed_revenue::DOUBLE, 2)
      FROM b.base_marketing_channel_day WHERE spend <> 0 OR attributed_orders <> 0`,
  },
  {
    output: "product_daily_sales",
    project: `SELECT date, product_id, units, orders, round(revenue::DOUBLE, 2) FROM p.marts.product_daily_sales`,
    baseline: `SELECT date, product_id, units, orders, round(revenue::DOUBLE, 2) FROM b.base_product_day`,
  },
  {
    output: "ltv_cohorts",
    project: `SELECT cohort_month, months_since_first_order, cohort_customers, active_customers, orders,
      round(revenue::DOUBLE, 2) FROM p.marts.ltv_cohorts`,
    baseline: `SELECT cohort_month, months_since_first_order, cohort_customers, active_customers, orders,
      round(revenue::DOUBLE, 2) FROM b.base_ltv_cohorts`,
  },
];

export async function compareWithMarts(projectFile: string, baselineFile: string): Promise<ValueCheck> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`ATTACH '${projectFile.replaceAll("'", "''")}' AS p (READ_ONLY)`);
    await connection.run(`ATTACH '${baselineFile.replaceAll("'", "''")}' AS b (READ_ONLY)`);
    const outputs: ValueCheck["outputs"] = [];
    for (const { output, project, baseline } of OUTPUTS) {
      const reader = await connection.runAndReadAll(`
        SELECT
          (SELECT count(*) FROM (${project})) AS rows,
          (SELECT count(*) FROM ((${project}) EXCEPT ALL (${baseline}))) +
          (SELECT count(*) FROM ((${baseline}) EXCEPT ALL (${project}))) AS differing`);
      const row = reader.getRowObjectsJS()[0] ?? {};
      outputs.push({ output, rows: Number(row.rows ?? 0), differing: Number(row.differing ?? 0) });
    }
    return { outputs };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
