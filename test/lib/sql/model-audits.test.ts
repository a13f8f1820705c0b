import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { parseAudit } from "../../../functions/check-quality/audits.ts";
import { modelAudits, notNullAudit, uniquenessAudit } from "../../../functions/lib/sql/model-audits.ts";
import { MODELS, parseModel } from "../../../functions/lib/sql/models.ts";
import { sqlPath } from "../../../functions/lib/sql/sql-files.ts";

const monthly = parseModel(
  "marts",
  "channel_months",
  "-- grain: one row per month and channel\n-- key: month, channel\n-- not null: spend\n-- partition: month (month)\n-- cluster: channel\n-- materialization: partitions\nSELECT 1",
);

describe("audits generated from the model headers", () => {
  it("check the key is unique over the run window's partitions, blocking", () => {
    const audit = uniquenessAudit(monthly);
    assert.equal(
      audit.sql,
      `-- Audit (blocking): marts.channel_months has one row per month and channel (key: month, channel).
-- Table: marts.channel_months
-- Column: channel
SELECT month, channel, COUNT(*) AS copies
FROM marts.channel_months
WHERE month BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
GROUP BY month, channel
HAVING COUNT(*) > 1
`,
    );
    assert.equal(parseAudit(audit.file, audit.sql).blocking, true);
  });

  it("check the key and not-null columns hold no NULL", () => {
    assert.equal(
      notNullAudit(monthly).sql,
      `-- Audit (blocking): no row of marts.channel_months has a NULL month, channel, spend.
-- Table: marts.channel_months
SELECT month, channel, spend
FROM marts.channel_months
WHERE month BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
  AND (month IS NULL OR channel IS NULL OR spend IS NULL)
`,
    );
  });

  it("give every model its uniqueness audit, under names no audit file uses", () => {
    const audits = modelAudits(MODELS);
    for (const model of MODELS)
      assert.ok(
        audits.some((audit) => audit.file === `unique_${model.name}.sql`),
        model.name,
      );
    const files = new Set(readdirSync(sqlPath("audits")));
    assert.deepEqual(
      audits.filter((audit) => files.has(audit.file)),
      [],
    );
  });
});
