import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timeZoneFinding } from "../../functions/ingest/step.ts";
import {
  fitTimeZone,
  offsetObservation,
  OffsetSampler,
  zoneOffsetMinutes,
} from "../../functions/ingest/time-zone-fit.ts";
import { createHarness, fixture, type Harness } from "./harness.ts";

describe("time zone against the offsets of a Shopify export", () => {
  it("reads the instant and the offset of Shopify's and ISO timestamps", () => {
    assert.deepEqual(offsetObservation("2026-11-21 18:04:11 -0500"), {
      atMs: Date.UTC(2026, 10, 21, 23, 4, 11),
      offsetMinutes: -300,
    });
    assert.equal(offsetObservation("2026-07-01T09:00:00+05:30")?.offsetMinutes, 330);
    assert.equal(offsetObservation("2026-07-01 09:00:00"), undefined);
  });

  it("knows each zone's offset at an instant, daylight saving included", () => {
    assert.equal(zoneOffsetMinutes("America/New_York", Date.UTC(2026, 0, 15)), -300);
    assert.equal(zoneOffsetMinutes("America/New_York", Date.UTC(2026, 6, 15)), -240);
    assert.equal(zoneOffsetMinutes("Asia/Kolkata", Date.UTC(2026, 6, 15)), 330);
  });

  it("a year of Chicago offsets fits Chicago, not New York, and proposes Chicago first", () => {
    const sampler = new OffsetSampler();
    // Noon local time on the 10th of every month, with Chicago's offset of that day (written by hand).
    const chicago = [
      "-0600",
      "-0600",
      "-0500",
      "-0500",
      "-0500",
      "-0500",
      "-0500",
      "-0500",
      "-0500",
      "-0500",
      "-0600",
      "-0600",
    ];
    chicago.forEach((offset, month) =>
      sampler.addText(`2026-${String(month + 1).padStart(2, "0")}-10 12:00:00 ${offset}`),
    );
    for (let i = 0; i < 1000; i++) sampler.addText("2026-01-11 12:00:00 -0600");
    assert.equal(sampler.observations.length, 12, "one observation per month and offset");
    const fit = fitTimeZone("America/New_York", sampler.observations);
    assert.ok(fit);
    assert.equal(fit.configuredFits, false);
    assert.equal(fit.fitting[0], "America/Chicago");
    assert.deepEqual(fit.offsets, ["-06:00", "-05:00"]);
    assert.equal(fitTimeZone("America/Chicago", sampler.observations)?.configuredFits, true);
    assert.equal(fitTimeZone("America/Chicago", []), undefined);
  });

  describe("a dropped orders export", () => {
    let harness: Harness;
    before(async () => {
      harness = await createHarness();
    });
    after(() => harness.close());

    it("warns when the configured zone does not give the file's offsets, naming the zone they fit", async () => {
      const outcome = await harness.ingest("orders.csv", await fixture("shopify-orders.csv"), {
        shopTimezone: "Europe/Paris",
      });
      assert.equal(outcome.manifest.status, "loaded");
      assert.equal(outcome.manifest.timeZone?.configuredFits, false);
      const [finding] = timeZoneFinding(outcome.manifest);
      assert.equal(finding?.severity, "warning");
      assert.equal(finding?.check, "file_drop_time_zone");
      assert.match(
        finding?.message ?? "",
        /UTC offsets -05:00, which the configured time zone Europe\/Paris does not give/,
      );
      assert.match(finding?.message ?? "", /set shop\.timezone to America\/New_York/);
    });

    it("says nothing when the zone fits", async () => {
      const other = (await fixture("shopify-orders.csv")).toString("utf8").replace("#1002", "#1012");
      const outcome = await harness.ingest("orders-2.csv", other);
      assert.equal(outcome.manifest.timeZone?.configuredFits, true);
      assert.deepEqual(timeZoneFinding(outcome.manifest), []);
    });
  });
});
