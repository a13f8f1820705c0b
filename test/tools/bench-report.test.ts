// The benchmark's pure parts: scale flags, median and range, the README's marked section, and the datasets of the
// history-scaling table, whose newest days carry the same orders per day whatever the history.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { datasetForOrders, datasetForRecentVolume } from "../../tools/bench-data.ts";
import {
  median,
  parseScale,
  parseScaleRuns,
  replaceBetweenMarkers,
  secondsSummary,
} from "../../tools/bench-report.ts";

describe("bench report", () => {
  it("reads scales as 100k, 1M, 3M, 10M or plain numbers", () => {
    assert.deepEqual(
      ["100k", "1M", "3M", "10M", "2.5M", "250000"].map(parseScale),
      [100_000, 1_000_000, 3_000_000, 10_000_000, 2_500_000, 250_000],
    );
    assert.throws(() => parseScale("lots"), /not a scale/);
  });

  it("gives a scale its own number of runs with scale:runs, else --runs", () => {
    assert.deepEqual(parseScaleRuns("10M:1", 3), { orders: 10_000_000, runs: 1 });
    assert.deepEqual(parseScaleRuns("1M", 3), { orders: 1_000_000, runs: 3 });
    assert.throws(() => parseScaleRuns("10M:0", 3), /not a number of runs/);
    assert.throws(() => parseScaleRuns("10M:x", 3), /not a number of runs/);
  });

  it("summarises runs as the median and the range", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(secondsSummary([1200, 900, 1500]), "1.20 s (0.90–1.50)");
  });

  it("replaces only what lies between the README's markers", () => {
    const readme = "# Title\n\nbefore\n<!-- a -->\nold table\n<!-- b -->\nafter\n";
    assert.equal(
      replaceBetweenMarkers(readme, "<!-- a -->", "<!-- b -->", "new table\n"),
      "# Title\n\nbefore\n<!-- a -->\n\nnew table\n\n<!-- b -->\nafter\n",
    );
    assert.equal(
      replaceBetweenMarkers("text\n", "<!-- a -->", "<!-- b -->", "t"),
      "text\n\n<!-- a -->\n\nt\n\n<!-- b -->\n",
    );
  });

  it("keeps the newest days' orders per day when the history doubles", () => {
    // The generator grows the shop 35 % a year around an average: the newest day's expected orders are
    // average × days × its growth ÷ the sum of every day's growth.
    const newestDay = (dataset: { days: number; ordersPerDay: number }) => {
      let sum = 0;
      for (let day = 0; day < dataset.days; day++) sum += 1.35 ** (day / 365);
      return (dataset.ordersPerDay * dataset.days * 1.35 ** ((dataset.days - 1) / 365)) / sum;
    };
    const base = datasetForOrders(1_000_000);
    assert.equal(Math.round(base.ordersPerDay * base.days), 1_000_000);
    const recent = newestDay(base);
    for (const days of [365, 1460]) {
      const dataset = datasetForRecentVolume(recent, days);
      assert.equal(dataset.days, days);
      assert.ok(Math.abs(newestDay(dataset) - recent) < 1e-6, `${days} days`);
    }
    assert.ok(
      datasetForRecentVolume(recent, 1460).ordersPerDay * 1460 > 1_500_000,
      "4× the history: more orders",
    );
  });
});
