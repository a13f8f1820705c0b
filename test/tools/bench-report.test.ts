// The benchmark's pure parts: scale flags, median and range, the README's marked section, the datasets of the
// history-scaling table, whose newest days carry the same orders per day whatever the history, and the table of
// daily runs in a row.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  datasetForOrders,
  datasetForRecentVolume,
  historyDatasets,
  recentVolume,
} from "../../tools/bench-data.ts";
import {
  comparedSummary,
  cpuTable,
  failureReason,
  median,
  parseScale,
  parseScaleRuns,
  renderReport,
  replaceBetweenMarkers,
  ratioSummary,
  roundRatio,
  roundRatios,
  type ScaleResult,
  secondsSummary,
  sequenceTable,
  type Timed,
} from "../../tools/bench-report.ts";
import { scaleResult } from "../support/bench-results.ts";

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

  it("tables each scale's processor time and the cores it kept busy, for cold, baseline and warm runs", () => {
    const runs = (...pairs: [number, number | undefined][]): Timed[] =>
      pairs.map(([wallMs, cpuMs]) => ({ wallMs, peakRssMb: 500, ...(cpuMs === undefined ? {} : { cpuMs }) }));
    const scale = scaleResult;
    const oneMillion = scale(1_000_000, {
      // cores busy per run: 1.8, 1.9, 1.7 (median 1.8); CPU median 57 s
      cold: runs([30_000, 54_000], [30_000, 57_000], [40_000, 68_000]),
      baseline: runs([10_000, 15_000], [10_000, 19_000], [12_000, 18_000]),
      warm: runs([4_000, 6_000], [5_000, 6_500], [4_000, 6_400]),
    });
    const failedWarm = { wallMs: Number.NaN, peakRssMb: Number.NaN, failure: "out of memory" };
    const withoutBaseline = scale(100_000, {
      cold: runs([9_000, 9_900]),
      warm: [...runs([3_000, 4_500]), failedWarm],
    });
    const lines = cpuTable([oneMillion, withoutBaseline], 2);
    const cells = lines
      .filter((line) => line.startsWith("| "))
      .map((line) =>
        line
          .split("|")
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    assert.match(lines[0] ?? "", /On 2 cores no run takes less wall time than its processor time ÷ 2/);
    assert.deepEqual(cells[0], [
      "orders",
      "cold",
      "cold cores busy",
      "baseline",
      "baseline cores busy",
      "cold ÷ baseline",
      "warm",
      "warm cores busy",
    ]);
    // baseline cores busy: 1.5, 1.9, 1.5; 57 / 18 = 3.17; warm CPU median 6.4 s, cores busy of 1.5, 1.3, 1.6
    assert.deepEqual(cells[2], ["1M", "57.0 s", "1.80", "18.0 s", "1.50", "3.17", "6.40 s", "1.50"]);
    assert.deepEqual(cells[3], ["100k", "9.90 s", "1.10", "—", "—", "—", "4.50 s", "1.50"]);
    // Measures of a checkout from before processor time was recorded: no table at all.
    assert.deepEqual(cpuTable([scale(1_000_000, { cold: runs([30_000, undefined]) })], 2), []);
  });

  it("puts the compared code's cold and warm runs beside this code's, each as its median, range and peak", () => {
    const runs = (...pairs: [number, number][]): Timed[] =>
      pairs.map(([wallMs, peakRssMb]) => ({ wallMs, peakRssMb }));
    const scale: ScaleResult = {
      targetOrders: 1_000_000,
      days: 730,
      cold: runs([16_000, 870], [16_200, 872], [16_040, 871]),
      coldCompare: runs([16_120, 1_022], [15_960, 1_105], [16_250, 919]),
      warm: runs([2_570, 510], [2_800, 519], [2_680, 505]),
      warmCompare: runs([2_675, 512], [2_756, 515], [2_690, 511]),
      baseline: [],
      check: null,
    };
    const machine = { cores: 2, ramGiB: 24, node: "v20", date: "2026-12-01 13:40" };
    const table = (compareCode?: string) =>
      renderReport({
        machine,
        runs: 3,
        results: [scale],
        history: [],
        ...(compareCode ? { compareCode } : {}),
      })
        .split("\n")
        .filter((line) => line.startsWith("| "))
        .slice(0, 3)
        .map((line) =>
          line
            .split("|")
            .slice(1, -1)
            .map((cell) => cell.trim()),
        );
    const [header, , row] = table("/tmp/prev");
    assert.deepEqual(header?.slice(9), [
      "cold, compared code",
      "its cold peak RSS (MB)",
      "warm, compared code",
    ]);
    assert.deepEqual(row?.slice(2, 4), ["16.0 s (16.0–16.2)", "872"]);
    assert.deepEqual(row?.slice(9), ["16.1 s (16.0–16.3)", "1105", "2.69 s (2.67–2.76)"]);
    const [plainHeader, , plainRow] = table();
    assert.equal(plainHeader?.length, 9, "no compared columns without --compare-code");
    assert.equal(plainRow?.length, 9);
  });

  it("with --compare-code: each scale's model outputs against the compared code's, and both codes' slowest cold models", () => {
    const measured = (models: [string, number][]): Timed => ({
      wallMs: 1,
      peakRssMb: 1,
      measure: {
        kind: "cold",
        runDate: "2026-11-20",
        runMs: 1,
        engineMs: 1,
        closeMs: 1,
        peakRssMb: 1,
        steps: [{ step: "transform", ms: 1 }],
        models: models.map(([model, ms]) => ({ model, ms, mode: "full" })),
      },
    });
    const same = {
      rows: 5,
      comparedRows: 5,
      onlyOwn: 0,
      onlyCompared: 0,
      columns: [],
      added: [],
      dropped: [],
    };
    const scale = (targetOrders: number, outputs: ScaleResult["outputs"]): ScaleResult => ({
      targetOrders,
      days: 730,
      cold: [
        measured([
          ["staging.stg_shopify_orders", 5_000],
          ["marts.daily_kpis", 20],
        ]),
      ],
      coldCompare: [
        measured([
          ["staging.stg_shopify_orders", 9_500],
          ["marts.daily_kpis", 25],
        ]),
      ],
      warm: [measured([["staging.stg_shopify_orders", 200]])],
      warmCompare: [measured([["staging.stg_shopify_orders", 300]])],
      baseline: [],
      check: null,
      outputs,
    });
    const report = renderReport({
      machine: { cores: 2, ramGiB: 24, node: "v20", date: "2026-12-01 19:00" },
      runs: 1,
      results: [
        scale(100_000, [
          { table: "staging.a", ...same },
          { table: "marts.b", ...same },
        ]),
        scale(1_000_000, [
          { table: "staging.a", ...same },
          { ...same, table: "marts.kpis", onlyOwn: 1, onlyCompared: 1, columns: ["cac"] },
        ]),
      ],
      history: [],
      compareCode: "/tmp/before",
    });
    assert.match(report, /^- 100k: the same in all 2 tables$/m);
    assert.match(report, /^- 1M: marts\.kpis: 1 of 5 rows differ \(cac\)$/m);
    assert.match(
      report,
      /^Cold run at 1M: the slowest models \(median ms\): staging\.stg_shopify_orders 5000, marts\.daily_kpis 20\.$/m,
    );
    assert.match(
      report,
      /^The same with the compared code: staging\.stg_shopify_orders 9500, marts\.daily_kpis 25\.$/m,
    );
    const plain = renderReport({
      machine: { cores: 2, ramGiB: 24, node: "v20", date: "2026-12-01 19:00" },
      runs: 1,
      results: [{ ...scale(1_000_000, null), coldCompare: [], warmCompare: [] }],
      history: [],
    });
    assert.doesNotMatch(plain, /Model outputs|compared code/);
  });

  it("reports a compared code's failed runs with the reason its output gave, and goes on", () => {
    const stderr = [
      "file:///tmp/before/.pulse/bench-build/tools/bench-run.js:65",
      "        throw new Error(`${kind} run failed at ...`);",
      "              ^",
      "",
      "Error: cold run failed at transform: model staging.stg_shopify_line_items failed on DuckDB: Out of Memory Error: could not allocate block of size 256.0 KiB (953.3 MiB/953.6 MiB used)",
      "",
      "Possible solutions:",
    ].join("\n");
    const reason = failureReason(stderr, 1);
    assert.ok(
      reason.startsWith("cold run failed at transform: model staging.stg_shopify_line_items failed"),
      reason,
    );
    assert.ok(reason.length <= 160 && reason.endsWith("…"), "long reasons are cut");
    assert.equal(failureReason("Segmentation fault\n", 139), "exit code 139");
    const ok = { wallMs: 2_000, peakRssMb: 500 };
    const failed = { wallMs: Number.NaN, peakRssMb: Number.NaN, failure: "out of memory" };
    assert.equal(comparedSummary([ok, { ...ok, wallMs: 3_000 }]), "2.50 s (2.00–3.00)");
    assert.equal(comparedSummary([failed, ok, failed]), "failed 2 of 3: out of memory");
    const report = renderReport({
      machine: { cores: 2, ramGiB: 24, node: "v20", date: "2026-12-01 19:00" },
      runs: 3,
      results: [
        {
          targetOrders: 3_000_000,
          days: 730,
          cold: [ok, ok, ok],
          coldCompare: [failed, failed, failed],
          warm: [ok, ok, ok],
          warmCompare: [],
          baseline: [],
          check: null,
        },
      ],
      history: [],
      compareCode: "/tmp/before",
    });
    const row = report.split("\n").find((line) => line.startsWith("|     3M") || line.startsWith("| 3M"));
    assert.ok(row?.includes("| failed 3 of 3: out of memory | — | — |"), row);
    assert.doesNotMatch(report, /The same with the compared code|: \./, "no empty model profile");
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

  it("judges history by the rounds' ratios: a slow round slows both lengths, not the ratio", () => {
    const runs = (...walls: number[]): Timed[] => walls.map((wallMs) => ({ wallMs, peakRssMb: 500 }));
    // Round 2 ran on a slow machine (3.0 s and 3.3 s); the rounds' ratios are 1.05, 1.10 and 1.14.
    const shorter = runs(2.0, 3.0, 2.1);
    const longer = runs(2.1, 3.3, 2.4);
    assert.equal(roundRatio(longer, shorter).toFixed(2), "1.10");
    assert.equal(
      (median(longer.map((run) => run.wallMs)) / median(shorter.map((run) => run.wallMs))).toFixed(2),
      "1.14",
      "the medians' ratio pairs runs of different rounds",
    );
    assert.ok(Number.isNaN(roundRatio(runs(2), [])), "no round in common");
    const failed: Timed[] = [{ wallMs: Number.NaN, peakRssMb: Number.NaN, failure: "out of memory" }];
    assert.ok(Number.isNaN(roundRatio(runs(2), failed)), "a failed run has no ratio");
  });

  it("judges history in processor time too, by the same rounds, and shows a dash where a run did not record it", () => {
    const run = (wallMs: number, cpuMs?: number): Timed => ({
      wallMs,
      peakRssMb: 500,
      ...(cpuMs === undefined ? {} : { cpuMs }),
    });
    const history = [
      // Round 2's wall times are stretched by other work (its processor times are not): wall ratios 1.10, 1.50,
      // 1.05 → 1.10; processor-time ratios 7.7/7.0, 7.4/7.0, 7.35/7.0 = 1.10, 1.06, 1.05 → 1.06.
      { multiple: 1, days: 365, recentPerDay: 1800, orders: 574_468, coldMs: 0, warmCompare: [] },
      { multiple: 2, days: 730, recentPerDay: 1800, orders: 1_000_000, coldMs: 0, warmCompare: [] },
    ].map((row, index) => ({
      ...row,
      warm:
        index === 0
          ? [run(4_000, 7_000), run(4_000, 7_000), run(4_000, 7_000)]
          : [run(4_400, 7_700), run(6_000, 7_400), run(4_200, 7_350)],
    }));
    const report = renderReport({
      machine: { cores: 2, ramGiB: 24, node: "v20", date: "2026-12-03 18:00" },
      runs: 3,
      results: [],
      history,
    });
    const rows = report.split("\n").filter((line) => /^\| [12]× /.test(line));
    assert.deepEqual(
      rows.map((line) => line.split("|").map((cell) => cell.trim())),
      [
        ["", "1×", "365", "574,468", "4.00 s (4.00–4.00)", "500", "—", "7.00 s", "—", "", ""],
        [
          "",
          "2×",
          "730",
          "1M",
          "4.40 s (4.20–6.00)",
          "500",
          "1.10 (1.05–1.50)",
          "7.40 s",
          "1.06 (1.05–1.10)",
          "",
          "",
        ],
      ],
    );
    assert.equal(roundRatio([run(4_400, 7_700)], [run(4_000)], (timed) => timed.cpuMs).toString(), "NaN");
    // One round: its ratio alone; none: a dash.
    assert.equal(ratioSummary(roundRatios([run(4_400)], [run(4_000)])), "1.10");
    assert.equal(ratioSummary(roundRatios([run(4_400, 7_700)], [run(4_000)], (timed) => timed.cpuMs)), "—");
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
    assert.ok(Math.abs(recentVolume(base) - recent) < 1e-6, "the base's own recent volume");
    for (const days of [365, 1460]) {
      const dataset = datasetForRecentVolume(recent, days);
      assert.equal(dataset.days, days);
      assert.ok(Math.abs(newestDay(dataset) - recent) < 1e-6, `${days} days`);
    }
    for (const { days, dataset } of historyDatasets(base, [2, 4, 8])) {
      assert.ok(Math.abs(newestDay(dataset) - recent) < 1e-6, `history of ${days} days`);
    }
    assert.ok(
      datasetForRecentVolume(recent, 1460).ordersPerDay * 1460 > 1_500_000,
      "4× the history: more orders",
    );
  });

  it("lists daily runs in a row day by day, with each run's wait at close, and their medians", () => {
    const run = (wallMs: number, closeMs: number): Timed => ({
      wallMs,
      peakRssMb: 500,
      measure: {
        kind: "warm",
        runDate: "",
        runMs: wallMs,
        engineMs: 0,
        closeMs,
        peakRssMb: 500,
        steps: [],
        models: [],
      },
    });
    const sequence = {
      orders: 1_000_000,
      coldDate: "2026-11-18",
      days: [
        { runDate: "2026-11-19", own: run(4_300, 40), compared: run(6_400, 2_100) },
        {
          runDate: "2026-11-20",
          own: run(4_700, 50),
          compared: { wallMs: Number.NaN, peakRssMb: Number.NaN, failure: "out of memory" },
        },
        { runDate: "2026-11-21", own: run(5_100, 30), compared: run(7_600, 3_100) },
      ],
    };
    const lines = sequenceTable(sequence, true);
    assert.match(lines[0] ?? "", /cold build for 2026-11-18, then each day from 2026-11-19 to 2026-11-21/);
    // The medians: 4.3, 4.7, 5.1 s; the compared code's failed day is said, not averaged in.
    assert.match(
      lines[0] ?? "",
      /Median 4\.70 s \(4\.30–5\.10\); compared code failed 1 of 3: out of memory\./,
    );
    assert.deepEqual(lines.slice(4), [
      "| 2026-11-19 | 4.30 s | 500 | 40 ms | 6.40 s | 500 | 2100 ms |",
      "| 2026-11-20 | 4.70 s | 500 | 50 ms | failed (out of memory) | — | — |",
      "| 2026-11-21 | 5.10 s | 500 | 30 ms | 7.60 s | 500 | 3100 ms |",
    ]);
    assert.equal(sequenceTable(sequence, false)[2], "| day | daily run | peak RSS (MB) | close |");
  });
});
