// A code upgrade that changes a model's columns (ad amounts kept to six places where the table holds cents, a column
// the table lacks): the next daily transform rebuilds that model whole, and every model built from it, warns once
// per model, says so in its summary and findings, and goes on; the run after it is a daily run again. The tables
// are built by the real models on DuckDB; the upgrade is played by altering a table to what the earlier SQL built
// (its columns, and a fingerprint of other SQL), as three-decimal-currency.test.ts does.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { printSummary } from "../../functions/cli/summary.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { downstreamOf, MODELS } from "../../functions/lib/sql/models.ts";
import type { LogFields, Logger, MaterializeRequest } from "../../functions/shared/ports.ts";
import type { StepResult } from "../../functions/shared/step.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  insertRaw,
  metaAdDay,
  novemberDays,
  openFixtureWarehouse,
  planFixtureRun,
  soapOrder,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

interface Logged {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: LogFields;
}

/** A logger that keeps what it was told. */
function recordingLogger(lines: Logged[]): Logger {
  const logger: Logger = {
    debug: (message, fields = {}) => void lines.push({ level: "debug", message, fields }),
    info: (message, fields = {}) => void lines.push({ level: "info", message, fields }),
    warn: (message, fields = {}) => void lines.push({ level: "warn", message, fields }),
    error: (message, fields = {}) => void lines.push({ level: "error", message, fields }),
    child: () => logger,
  };
  return logger;
}

/** Every materialize request the warehouse receives from now on, kept in `requests`. */
function recordRequests(warehouse: DuckDbWarehouse, requests: MaterializeRequest[]): void {
  const materialize = warehouse.materialize.bind(warehouse);
  warehouse.materialize = (request) => {
    requests.push(request);
    return materialize(request);
  };
}

/** The models built whole ("<layer>.<name>": no window) among the requests. */
const wholeBuilds = (requests: readonly MaterializeRequest[]) =>
  new Set(
    requests.filter((request) => !request.window).map((request) => `${request.dataset}.${request.table}`),
  );

/** The models the transform builds whole every run (`materialization: full`). */
const ALWAYS_WHOLE = new Set(
  MODELS.filter((model) => model.materialization === "full").map((model) => `${model.layer}.${model.name}`),
);

/** A column's type and values by day, as DuckDB holds them. */
async function columnByDay(warehouse: DuckDbWarehouse, table: string, column: string, dateColumn = "date") {
  const [type] = (
    await warehouse.rawConnection.runAndReadAll(
      `SELECT data_type FROM duckdb_columns() WHERE schema_name || '.' || table_name = '${table}' AND column_name = '${column}'`,
    )
  ).getRowObjectsJS();
  const rows = await warehouse.query<{ day: string; value: unknown }>(
    `SELECT CAST(${dateColumn} AS STRING) AS day, ${column} AS value FROM ${table} ORDER BY day`,
  );
  return { type: String(type?.data_type), byDay: rows.map((row) => [row.day, Number(row.value)]) };
}

/** Alters a table as an earlier version of its model's SQL left it: the fingerprint of other SQL, and `changes`. */
async function asBuiltByEarlierSql(warehouse: DuckDbWarehouse, table: string, changes: string[]) {
  for (const change of changes) await warehouse.rawConnection.run(`ALTER TABLE ${table} ${change}`);
  await warehouse.rawConnection.run(`COMMENT ON TABLE ${table} IS 'pulse_model:${"0".repeat(32)}'`);
}

describe(
  "a daily transform after an upgrade changed a model's columns",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    describe("ad amounts kept to six places where the staging table holds cents", () => {
      const FACEBOOK_STAGING = "staging.stg_facebook_ads_insights";
      const days = novemberDays(1, 12);
      // Six places each, different every day: a day kept to cents would show.
      const spendOf = (day: string) => 10 + Number(day.slice(8)) + 0.123456;
      const adDay = (day: string) => ({ ...metaAdDay(day, `${day}T20:00:00Z`), spend: spendOf(day) });
      let warehouse: DuckDbWarehouse;
      const logged: Logged[] = [];
      const requests: MaterializeRequest[] = [];
      let upgraded: StepResult;
      let planned: string[] = [];

      before(async () => {
        warehouse = await openFixtureWarehouse();
        const landDays = async (daysLanded: string[]) => {
          await insertRaw(
            warehouse,
            "shopify_orders",
            daysLanded.map((day) => soapOrder(Number(day.slice(8)), `${day}T15:00:00Z`, `${day}T16:00:00Z`)),
          );
          await insertRaw(warehouse, "facebook_ads_insights", daysLanded.map(adDay));
        };
        await landDays(days.slice(0, -1));
        await buildModels(warehouse, "2026-11-11");
        // What the staging SQL of before wrote: amounts to the cent, on every day built so far.
        await asBuiltByEarlierSql(warehouse, FACEBOOK_STAGING, [
          "ALTER spend TYPE DECIMAL(38, 2)",
          "ALTER conversion_value TYPE DECIMAL(38, 2)",
        ]);
        await landDays(days.slice(-1));
        planned = await planFixtureRun(warehouse, "2026-11-12");
        recordRequests(warehouse, requests);
        upgraded = await buildModels(warehouse, "2026-11-12", { log: recordingLogger(logged) });
      });
      after(() => warehouse.close());

      it("plan foresees it: the same models rebuilt whole as the run then rebuilt, each saying why", () => {
        // Asked before the run, of the same warehouse; it writes nothing, so the run below is the upgrade's first.
        const modelLine = (id: string) => planned.find((line) => line.startsWith(`  ${id}: `)) ?? "";
        const plannedWhole = MODELS.map((model) => `${model.layer}.${model.name}`).filter((id) =>
          modelLine(id).includes(": rebuild whole"),
        );
        assert.deepEqual(plannedWhole.sort(), [...wholeBuilds(requests)].sort(), planned.join("\n"));
        assert.equal(
          modelLine(FACEBOOK_STAGING),
          `  ${FACEBOOK_STAGING}: rebuild whole: its columns changed since its table was built (retyped: spend DECIMAL(38,2) → DECIMAL(38,6), conversion_value DECIMAL(38,2) → DECIMAL(38,6))`,
        );
        assert.equal(
          modelLine("marts.daily_kpis"),
          `  marts.daily_kpis: rebuild whole: built from ${FACEBOOK_STAGING}, whose columns changed since its table was built`,
        );
        assert.match(modelLine("staging.stg_shopify_orders"), /: replace 2026-11-05 → 2026-11-12$/);
        assert.ok(
          planned.includes(
            `  1 model's columns changed since their tables were built (${FACEBOOK_STAGING}): rebuilt whole from all history, with every model built from them`,
          ),
          planned.join("\n"),
        );
      });

      it("keeps every day's spend to six places, as the raw rows have it, in staging and in the daily KPIs", async () => {
        const expected = days.map((day) => [day, spendOf(day)]);
        assert.deepEqual(await columnByDay(warehouse, FACEBOOK_STAGING, "spend"), {
          type: "DECIMAL(38,6)",
          byDay: expected,
        });
        assert.deepEqual((await columnByDay(warehouse, "marts.daily_kpis", "ad_spend")).byDay, expected);
      });

      it("rebuilds the model and every model built from it whole, and the others by their window", () => {
        const downstream = downstreamOf([FACEBOOK_STAGING]);
        assert.deepEqual(
          [...wholeBuilds(requests)].sort(),
          [...new Set([...downstream, ...ALWAYS_WHOLE])].sort(),
        );
        // The refused window of the staging model, then its whole build: nothing else asked twice.
        assert.equal(requests.length, MODELS.length + 1);
      });

      it("warns once per model rebuilt for it, naming what changed", () => {
        const changes =
          "retyped: spend DECIMAL(38,2) → DECIMAL(38,6), conversion_value DECIMAL(38,2) → DECIMAL(38,6)";
        const warnings = logged.filter(
          (line) => line.level === "warn" && line.message.startsWith("rebuilt whole"),
        );
        const rebuiltForIt = [...downstreamOf([FACEBOOK_STAGING])].filter(
          (model) => !ALWAYS_WHOLE.has(model),
        );
        assert.deepEqual(warnings.map((line) => line.fields.model).sort(), rebuiltForIt.sort());
        assert.deepEqual(
          warnings.find((line) => line.fields.model === FACEBOOK_STAGING)?.message,
          `rebuilt whole: its columns changed since its table was built (${changes})`,
        );
        assert.equal(
          warnings.find((line) => line.fields.model === "marts.daily_kpis")?.message,
          `rebuilt whole: it is built from ${FACEBOOK_STAGING}, whose columns changed since its table was built (${changes})`,
        );
      });

      it("says it in the step's summary, metrics and findings, and has the export read every month again", () => {
        const rebuiltForIt = [...downstreamOf([FACEBOOK_STAGING])].filter(
          (model) => !ALWAYS_WHOLE.has(model),
        ).length;
        assert.match(
          upgraded.summary ?? "",
          new RegExp(
            `^${MODELS.length} models built \\(window 2026-11-05 → 2026-11-12 \\+ ${rebuiltForIt} models rebuilt whole \\(columns changed since the tables were built, staging\\.stg_facebook_ads_insights \\(retyped: spend DECIMAL\\(38,2\\) → DECIMAL\\(38,6\\), conversion_value`,
          ),
        );
        assert.equal(upgraded.metrics?.columnsChangedModels, 1);
        assert.equal(upgraded.metrics?.columnsChangedRebuilds, rebuiltForIt);
        assert.deepEqual(
          upgraded.findings?.map((finding) => [
            finding.check,
            finding.severity,
            finding.blocking,
            finding.subject,
          ]),
          [["model_columns_changed", "warning", false, FACEBOOK_STAGING]],
        );
        assert.match(
          upgraded.findings?.[0]?.message ?? "",
          new RegExp(
            `rebuilt from all history, with the ${rebuiltForIt - 1} models built from it.*Nothing to do\\.$`,
          ),
        );
        assert.equal(upgraded.next?.rebuilt?.days, null);
      });

      it("leaves tables a full rebuild would build the same, and the next run is a daily run again", async () => {
        const next: MaterializeRequest[] = [];
        requests.length = 0;
        logged.length = 0;
        await insertRaw(warehouse, "facebook_ads_insights", [adDay("2026-11-13")]);
        const daily = await buildModels(warehouse, "2026-11-13", { log: recordingLogger(logged) });
        next.push(...requests);
        assert.deepEqual([...wholeBuilds(next)].sort(), [...ALWAYS_WHOLE].sort());
        assert.equal(next.length, MODELS.length);
        assert.deepEqual(
          logged.filter((line) => line.message.startsWith("rebuilt whole")),
          [],
        );
        assert.deepEqual(daily.findings, []);
        assert.equal(daily.metrics?.columnsChangedModels, 0);
        assert.doesNotMatch(daily.summary ?? "", /rebuilt whole/);
        const differences = await differencesFromFullRebuild(warehouse, "2026-11-13");
        assert.deepEqual(
          Object.entries(differences).filter(([, count]) => count > 0),
          [],
        );
      });
    });

    describe("a mart and a keyed model gaining columns, a mart losing one, with a late order", () => {
      const DAILY_KPIS = "marts.daily_kpis";
      const CUSTOMERS = "staging.stg_shopify_customers";
      const days = novemberDays(1, 12);
      let warehouse: DuckDbWarehouse;
      const logged: Logged[] = [];
      const requests: MaterializeRequest[] = [];
      let upgraded: StepResult;
      /** Customer id → orders_count, landed on the 1st: long before the window a daily merge reads. */
      const customers = [
        { id: 901, orders_count: 3 },
        { id: 902, orders_count: 7 },
      ];

      before(async () => {
        warehouse = await openFixtureWarehouse();
        const order = (id: number, day: string, landed: string) =>
          soapOrder(id, `${day}T15:00:00Z`, `${landed}T16:00:00Z`);
        await insertRaw(
          warehouse,
          "shopify_orders",
          days.slice(0, -1).map((day) => order(Number(day.slice(8)), day, day)),
        );
        await insertRaw(
          warehouse,
          "shopify_customers",
          customers.map((customer) => ({
            ...customer,
            email: `c${customer.id}@example.com`,
            created_at: "2026-11-01T10:00:00Z",
            updated_at: "2026-11-01T10:00:00Z",
            currency: "USD",
            _airbyte_extracted_at: "2026-11-01T12:00:00Z",
          })),
        );
        await buildModels(warehouse, "2026-11-11");
        // The earlier SQL: daily_kpis without orders but with a column since dropped, the customers without orders_count.
        await asBuiltByEarlierSql(warehouse, DAILY_KPIS, [
          "DROP COLUMN orders",
          "ADD COLUMN legacy_score INTEGER",
        ]);
        await asBuiltByEarlierSql(warehouse, CUSTOMERS, ["DROP COLUMN orders_count"]);
        // The 12th's order, and a second order of the 2nd that lands late (with it): the 2nd is rebuilt first.
        await insertRaw(warehouse, "shopify_orders", [
          order(12, "2026-11-12", "2026-11-12"),
          order(102, "2026-11-02", "2026-11-12"),
        ]);
        recordRequests(warehouse, requests);
        upgraded = await buildModels(warehouse, "2026-11-12", { log: recordingLogger(logged) });
      });
      after(() => warehouse.close());

      it("gives every day the new column, counted from the raw orders, and drops the one gone", async () => {
        const ordersByDay = days.map((day) => [day, day === "2026-11-02" ? 2 : 1]);
        assert.deepEqual(await columnByDay(warehouse, DAILY_KPIS, "orders"), {
          type: "BIGINT",
          byDay: ordersByDay,
        });
        const columns = (await warehouse.listTables("marts"))
          .find((table) => table.name === "daily_kpis")
          ?.columns.map((column) => column.name);
        assert.ok(columns && !columns.includes("legacy_score"), String(columns));
      });

      it("gives every customer the new column, from the raw customers landed before the window", async () => {
        assert.deepEqual(
          await warehouse.query(`SELECT customer_id AS id, orders_count FROM ${CUSTOMERS} ORDER BY id`),
          customers,
        );
      });

      it("leaves the late day to the whole build: the late window is refused, not retried, and the models after it wait", () => {
        const late = requests.filter((request) => request.label?.includes("late changes"));
        assert.ok(late.some((request) => `${request.dataset}.${request.table}` === DAILY_KPIS));
        assert.ok(
          !late.some(
            (request) => request.dataset === "marts" && request.table === "executive_summary_monthly",
          ),
          "built from daily_kpis: no late window of it",
        );
        assert.deepEqual(
          [...wholeBuilds(requests)].sort(),
          [...new Set([...downstreamOf([DAILY_KPIS, CUSTOMERS]), ...ALWAYS_WHOLE])].sort(),
        );
      });

      it("warns for each changed model and the one built from them, and finds both", () => {
        const warnings = logged.filter(
          (line) => line.level === "warn" && line.message.startsWith("rebuilt whole"),
        );
        assert.deepEqual(warnings.map((line) => [line.fields.model, line.message]).sort(), [
          [
            DAILY_KPIS,
            "rebuilt whole: its columns changed since its table was built (new: orders; gone: legacy_score)",
          ],
          [
            "marts.executive_summary_monthly",
            `rebuilt whole: it is built from ${DAILY_KPIS}, whose columns changed since its table was built (new: orders; gone: legacy_score)`,
          ],
          [CUSTOMERS, "rebuilt whole: its columns changed since its table was built (new: orders_count)"],
        ]);
        assert.equal(upgraded.metrics?.columnsChangedModels, 2);
        assert.equal(upgraded.metrics?.columnsChangedRebuilds, 3);
        assert.equal(upgraded.findings?.length, 1);
        assert.match(
          upgraded.findings?.[0]?.message ?? "",
          /^An upgrade changed the columns of 2 models (marts\.daily_kpis \(new: orders; gone: legacy_score\); staging\.stg_shopify_customers \(new: orders_count\)|staging\.stg_shopify_customers \(new: orders_count\); marts\.daily_kpis \(new: orders; gone: legacy_score\)): they were rebuilt from all history, with the 1 model built from them/,
        );
      });

      it("leaves tables a full rebuild would build the same", async () => {
        const differences = await differencesFromFullRebuild(warehouse, "2026-11-12");
        assert.deepEqual(
          Object.entries(differences).filter(([, count]) => count > 0),
          [],
        );
      });
    });

    describe("run locally, from the command line", () => {
      let workDir: string;
      let config: PulseConfig;
      let warehouse: DuckDbWarehouse;
      const days = novemberDays(1, 12);
      const run = (runDate: string) =>
        runLocally(
          config,
          parseRunMessage({
            runDate,
            runId: `run-${runDate}`,
            trigger: "manual",
            options: { skip: [], from: "transform", to: "transform" },
          }),
          {
            log: silentLogger(),
            warehouse,
            // The next morning: the run date is over in the shop's time zone.
            clock: { now: () => new Date(`${addDays(runDate, 1)}T12:00:00Z`) },
            secrets: fixedSecrets(),
          },
        );

      before(async () => {
        workDir = await mkdtemp(join(tmpdir(), "pulse-columns-changed-"));
        config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
        warehouse = await openFixtureWarehouse();
        await insertRaw(
          warehouse,
          "facebook_ads_insights",
          days.map((day) => metaAdDay(day, `${day}T20:00:00Z`)),
        );
        assert.deepEqual((await run("2026-11-11")).notDone, []);
        await asBuiltByEarlierSql(warehouse, "unified.ad_performance", ["DROP COLUMN clicks"]);
      });
      after(async () => {
        await warehouse.close();
        await rm(workDir, { recursive: true, force: true });
      });

      it("succeeds, and the closing summary gives the warning with what changed and that nothing is to be done", async () => {
        const report = await run("2026-11-12");
        assert.deepEqual(report.failures, []);
        const transform = report.records.find((record) => record.step === "transform");
        assert.equal(transform?.status, "succeeded");
        assert.match(
          transform?.summary ?? "",
          /models rebuilt whole \(columns changed since the tables were built, unified\.ad_performance \(new: clicks\)\)\)$/,
        );
        const lines: string[] = [];
        await printSummary(report, config, (line) => lines.push(line));
        const alert = lines.find((line) => line.includes("An upgrade changed the columns"));
        assert.match(
          alert ?? lines.join("\n"),
          /^ {2}WARNING +An upgrade changed the columns of the model unified\.ad_performance \(new: clicks\): it was rebuilt from all history, with the \d+ models built from it, so earlier days follow the new version of the code\. Nothing to do\.$/,
        );
        const clicks = await warehouse.query<{ day: string; clicks: number }>(
          "SELECT CAST(date AS STRING) AS day, SUM(clicks) AS clicks FROM unified.ad_performance GROUP BY 1 ORDER BY 1",
        );
        assert.deepEqual(
          clicks.map((row) => [row.day, Number(row.clicks)]),
          days.map((day) => [day, 9]),
        );
      });
    });
  },
);
