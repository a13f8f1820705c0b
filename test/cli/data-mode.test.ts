import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideDataMode, type WorkDirState } from "../../functions/cli/data-mode.ts";

const empty: WorkDirState = { hasSettings: false, hasDemoData: false, inboxFiles: 0, hasRawOrders: false };
const keep = { regenerate: false };

describe("real data or the demo shop", () => {
  it("generates the demo by default only in a work dir with nothing of a shop's own", () => {
    assert.deepEqual(decideDataMode("run", empty, keep), { kind: "demo", generate: true });
    assert.deepEqual(decideDataMode("run", { ...empty, hasSettings: true }, keep), { kind: "real" });
    assert.deepEqual(decideDataMode("run", { ...empty, inboxFiles: 2 }, keep), { kind: "real" });
    assert.deepEqual(decideDataMode("run", { ...empty, hasRawOrders: true }, keep), { kind: "real" });
  });

  it("runs the demo when asked, and keeps running on it in its own work dir", () => {
    assert.deepEqual(decideDataMode("demo", { ...empty, hasSettings: true }, keep), {
      kind: "demo",
      generate: true,
    });
    const demoDir = { ...empty, hasDemoData: true, hasRawOrders: true };
    assert.deepEqual(decideDataMode("run", demoDir, keep), { kind: "demo", generate: false });
    assert.deepEqual(decideDataMode("demo", demoDir, { regenerate: true }), { kind: "demo", generate: true });
  });

  it("never mixes a shop's files with the demo shop", () => {
    const mixed = decideDataMode(
      "run",
      { ...empty, hasDemoData: true, hasRawOrders: true, inboxFiles: 1 },
      keep,
    );
    assert.equal(mixed.kind, "refused");
    const demoOverShop = decideDataMode("demo", { ...empty, hasRawOrders: true }, keep);
    assert.equal(demoOverShop.kind, "refused");
    assert.equal(
      decideDataMode("run", { ...empty, hasSettings: true }, { regenerate: true }).kind,
      "refused",
    );
  });
});
