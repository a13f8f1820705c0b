import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDateParamName } from "../../../functions/adapters/warehouse/date-params.ts";

describe("DATE parameter names (both adapters bind these as DATE)", () => {
  for (const [name, isDate] of [
    ["run_date", true],
    ["order_date", true],
    ["window_start", true],
    ["window_end", true],
    ["date", false],
    ["dates", false],
    ["start", false],
    ["n", false],
  ] as const) {
    it(`${name} ${isDate ? "is" : "is not"} a DATE`, () => assert.equal(isDateParamName(name), isDate));
  }
});
