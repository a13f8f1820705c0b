import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { MODELS } from "../../functions/lib/sql/models.ts";
import { README_PATH, withModelsTable } from "../../tools/sql-readme.ts";

describe("sql/README.md", () => {
  it("has the models table of the model headers (run `npm run sql:readme` to update it)", () => {
    const readme = readFileSync(README_PATH, "utf8");
    assert.equal(readme, withModelsTable(readme, MODELS));
  });
});
