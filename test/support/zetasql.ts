// Offline BigQuery validation: runs the ZetaSQL local_service server shipped by @fivetrandevelopers/zetasql
// (the analyzer BigQuery itself is built on) and talks gRPC to it, to analyse queries (their columns, and the
// types of their divisions and roundings) and to evaluate expressions with ZetaSQL's reference implementation
// of BigQuery's functions. The package's own client is not used: it
// is a process-wide singleton bound to "localhost" with no call deadlines, so a stuck server would hang the
// test run instead of failing it.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ProtoGrpcType } from "@fivetrandevelopers/zetasql/lib/types/local_service.js";
import type { AnalyzerOptionsProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/AnalyzerOptionsProto.js";
import type { LanguageFeature } from "@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageFeature.js";
import type { LanguageOptionsProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageOptionsProto.js";
import type { AnalyzeRequest } from "@fivetrandevelopers/zetasql/lib/types/zetasql/local_service/AnalyzeRequest.js";
import type { AnalyzeResponse__Output } from "@fivetrandevelopers/zetasql/lib/types/zetasql/local_service/AnalyzeResponse.js";
import type { EvaluateResponse__Output } from "@fivetrandevelopers/zetasql/lib/types/zetasql/local_service/EvaluateResponse.js";
import type {
  ValueProto,
  ValueProto__Output,
} from "@fivetrandevelopers/zetasql/lib/types/zetasql/ValueProto.js";
import type { ZetaSqlLocalServiceClient } from "@fivetrandevelopers/zetasql/lib/types/zetasql/local_service/ZetaSqlLocalService.js";
import type { SimpleCatalogProto } from "@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleCatalogProto.js";
import { TypeKind, type TypeKind__Output } from "@fivetrandevelopers/zetasql/lib/types/zetasql/TypeKind.js";
import type {
  TypeProto,
  TypeProto__Output,
} from "@fivetrandevelopers/zetasql/lib/types/zetasql/TypeProto.js";
import type { BigQueryType } from "../../functions/shared/raw-schemas.ts";

const require = createRequire(import.meta.url);

/**
 * BigQuery's dialect as ZetaSQL language features: GoogleSQL in the external product mode (no INT32, UINT64,
 * FLOAT, PROTO or ENUM types) plus the query features BigQuery has shipped. Deliberately not ZetaSQL's
 * "maximum features": those include engine extensions BigQuery rejects (lambdas, TYPEOF, nanosecond
 * timestamps, array equality), and a check that accepts them would pass SQL that fails in production.
 * DDL, DML and scripting features are left out because only queries are analysed here.
 */
const BIGQUERY_LANGUAGE_FEATURES: readonly LanguageFeature[] = [
  // Types.
  "FEATURE_NUMERIC_TYPE",
  "FEATURE_BIGNUMERIC_TYPE",
  "FEATURE_JSON_TYPE",
  "FEATURE_INTERVAL_TYPE",
  "FEATURE_RANGE_TYPE",
  "FEATURE_GEOGRAPHY",
  "FEATURE_V_1_2_CIVIL_TIME",
  "FEATURE_PARAMETERIZED_TYPES",
  "FEATURE_V_1_3_DECIMAL_ALIAS",
  // Functions.
  "FEATURE_ANALYTIC_FUNCTIONS",
  "FEATURE_NAMED_ARGUMENTS",
  "FEATURE_TABLE_VALUED_FUNCTIONS",
  "FEATURE_JSON_ARRAY_FUNCTIONS",
  "FEATURE_JSON_VALUE_EXTRACTION_FUNCTIONS",
  "FEATURE_JSON_LAX_VALUE_EXTRACTION_FUNCTIONS",
  "FEATURE_JSON_CONSTRUCTOR_FUNCTIONS",
  "FEATURE_JSON_MUTATOR_FUNCTIONS",
  "FEATURE_ROUND_WITH_ROUNDING_MODE",
  "FEATURE_CBRT_FUNCTIONS",
  "FEATURE_INVERSE_TRIG_FUNCTIONS",
  "FEATURE_TIME_BUCKET_FUNCTIONS",
  "FEATURE_V_1_2_SAFE_FUNCTION_CALL",
  "FEATURE_V_1_2_WEEK_WITH_WEEKDAY",
  "FEATURE_V_1_3_ADDITIONAL_STRING_FUNCTIONS",
  "FEATURE_V_1_3_ALLOW_REGEXP_EXTRACT_OPTIONALS",
  "FEATURE_V_1_3_CONCAT_MIXED_TYPES",
  "FEATURE_V_1_3_DATE_ARITHMETICS",
  "FEATURE_V_1_3_DATE_TIME_CONSTRUCTORS",
  "FEATURE_V_1_3_EXTENDED_DATE_TIME_SIGNATURES",
  "FEATURE_V_1_3_EXTENDED_GEOGRAPHY_PARSERS",
  "FEATURE_V_1_3_FORMAT_IN_CAST",
  "FEATURE_V_1_4_GROUPING_BUILTIN",
  // Aggregate and analytic modifiers: ARRAY_AGG(x IGNORE NULLS ORDER BY y LIMIT n), FIRST_VALUE(x IGNORE NULLS).
  "FEATURE_V_1_1_ORDER_BY_IN_AGGREGATE",
  "FEATURE_V_1_1_LIMIT_IN_AGGREGATE",
  "FEATURE_V_1_1_HAVING_IN_AGGREGATE",
  "FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_AGGREGATE",
  "FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_ANALYTIC",
  // Query syntax.
  "FEATURE_V_1_3_QUALIFY",
  "FEATURE_V_1_1_SELECT_STAR_EXCEPT_REPLACE",
  "FEATURE_V_1_1_WITH_ON_SUBQUERY",
  "FEATURE_V_1_1_FOR_SYSTEM_TIME_AS_OF",
  "FEATURE_V_1_1_ORDER_BY_COLLATE",
  "FEATURE_V_1_3_WITH_RECURSIVE",
  "FEATURE_V_1_3_NULLS_FIRST_LAST_IN_ORDER_BY",
  "FEATURE_V_1_3_ALLOW_DASHES_IN_TABLE_NAME",
  "FEATURE_V_1_3_UNNEST_AND_FLATTEN_ARRAYS",
  "FEATURE_V_1_3_PIVOT",
  "FEATURE_V_1_3_UNPIVOT",
  "FEATURE_V_1_3_IS_DISTINCT",
  "FEATURE_V_1_3_LIKE_ANY_SOME_ALL",
  "FEATURE_V_1_4_LIKE_ANY_SOME_ALL_ARRAY",
  "FEATURE_V_1_3_ANNOTATION_FRAMEWORK",
  "FEATURE_V_1_3_COLLATION_SUPPORT",
  "FEATURE_V_1_4_BARE_ARRAY_ACCESS",
  "FEATURE_V_1_4_SINGLE_TABLE_NAME_ARRAY_PATH",
  "FEATURE_V_1_4_GROUPING_SETS",
  "FEATURE_GROUP_BY_ROLLUP",
  "FEATURE_TABLESAMPLE",
];

export const BIGQUERY_LANGUAGE_OPTIONS: LanguageOptionsProto = {
  productMode: "PRODUCT_EXTERNAL",
  nameResolutionMode: "NAME_RESOLUTION_DEFAULT",
  enabledLanguageFeatures: [...BIGQUERY_LANGUAGE_FEATURES],
  // Models, extracts and audits must be plain queries: a stray DDL or DML statement is an error too.
  supportedStatementKinds: ["RESOLVED_QUERY_STMT"],
  // QUALIFY is only a clause once reserved; BigQuery reserves it, so it cannot be a column alias either.
  reservedKeywords: ["QUALIFY"],
};

const SIMPLE_TYPE_KINDS: Readonly<Record<BigQueryType | "BYTES", TypeKind__Output>> = {
  STRING: TypeKind.TYPE_STRING,
  BYTES: TypeKind.TYPE_BYTES,
  INT64: TypeKind.TYPE_INT64,
  FLOAT64: TypeKind.TYPE_DOUBLE,
  NUMERIC: TypeKind.TYPE_NUMERIC,
  BOOL: TypeKind.TYPE_BOOL,
  DATE: TypeKind.TYPE_DATE,
  TIMESTAMP: TypeKind.TYPE_TIMESTAMP,
  JSON: TypeKind.TYPE_JSON,
};

// BigQuery's spelling of the kinds a query can produce in the external product mode.
const TYPE_NAMES = new Map<TypeKind__Output, string>([
  [TypeKind.TYPE_INT64, "INT64"],
  [TypeKind.TYPE_BOOL, "BOOL"],
  [TypeKind.TYPE_DOUBLE, "FLOAT64"],
  [TypeKind.TYPE_STRING, "STRING"],
  [TypeKind.TYPE_BYTES, "BYTES"],
  [TypeKind.TYPE_DATE, "DATE"],
  [TypeKind.TYPE_TIMESTAMP, "TIMESTAMP"],
  [TypeKind.TYPE_TIME, "TIME"],
  [TypeKind.TYPE_DATETIME, "DATETIME"],
  [TypeKind.TYPE_GEOGRAPHY, "GEOGRAPHY"],
  [TypeKind.TYPE_NUMERIC, "NUMERIC"],
  [TypeKind.TYPE_BIGNUMERIC, "BIGNUMERIC"],
  [TypeKind.TYPE_JSON, "JSON"],
  [TypeKind.TYPE_INTERVAL, "INTERVAL"],
  [TypeKind.TYPE_RANGE, "RANGE"],
]);

export function simpleType(type: BigQueryType | "BYTES"): TypeProto {
  return { typeKind: SIMPLE_TYPE_KINDS[type] };
}

/**
 * Copies an analyzer output type into a request type. The decoded output carries every proto field at its
 * default (empty extended_type_name, null sub-messages), which would be sent back as explicitly set fields.
 */
export function toInputType(type: TypeProto__Output): TypeProto {
  if (type.arrayType?.elementType)
    return { typeKind: type.typeKind, arrayType: { elementType: toInputType(type.arrayType.elementType) } };
  if (type.structType) {
    return {
      typeKind: type.typeKind,
      structType: {
        field: type.structType.field.map((field) => ({
          fieldName: field.fieldName,
          ...(field.fieldType ? { fieldType: toInputType(field.fieldType) } : {}),
        })),
      },
    };
  }
  return { typeKind: type.typeKind };
}

export function typeName(type: TypeProto): string {
  const kind = type.typeKind;
  if (kind === TypeKind.TYPE_ARRAY && type.arrayType?.elementType) {
    return `ARRAY<${typeName(type.arrayType.elementType)}>`;
  }
  if (kind === TypeKind.TYPE_STRUCT && type.structType) {
    const fields = (type.structType.field ?? []).map((field) =>
      `${field.fieldName ?? ""} ${field.fieldType ? typeName(field.fieldType) : "?"}`.trim(),
    );
    return `STRUCT<${fields.join(", ")}>`;
  }
  return (typeof kind === "number" ? TYPE_NAMES.get(kind) : undefined) ?? `TypeKind(${String(kind)})`;
}

export interface CatalogColumn {
  name: string;
  type: TypeProto;
}

/** Tables addressed as `dataset.table`, the way the SQL names them; datasets become nested catalogs. */
export class ZetaSqlCatalog {
  private readonly datasets = new Map<string, Map<string, readonly CatalogColumn[]>>();

  addTable(dataset: string, table: string, columns: readonly CatalogColumn[]): void {
    const tables = this.datasets.get(dataset) ?? new Map<string, readonly CatalogColumn[]>();
    tables.set(table, columns);
    this.datasets.set(dataset, tables);
  }

  toProto(): SimpleCatalogProto {
    return {
      name: "bigquery",
      // Without explicit builtin options the catalog has no functions at all; they must follow the same
      // language options, or functions of disabled features (and their absence) would not match BigQuery.
      builtinFunctionOptions: { languageOptions: BIGQUERY_LANGUAGE_OPTIONS },
      catalog: [...this.datasets].map(([dataset, tables]) => ({
        name: dataset,
        table: [...tables].map(([table, columns]) => ({
          name: table,
          fullName: `${dataset}.${table}`,
          column: columns.map((column) => ({ name: column.name, type: column.type })),
        })),
      })),
    };
  }
}

/** Where in the analysed SQL (a UTF-16 string range, as String.prototype.slice takes it) an expression is. */
export interface SourceRange {
  start: number;
  end: number;
}

export type AnalysisResult =
  | {
      ok: true;
      columns: CatalogColumn[];
      /**
       * Every `/` and SAFE_DIVIDE whose BigQuery result is NUMERIC or BIGNUMERIC: an exact decimal quotient on
       * BigQuery, which the DuckDB translation computes exactly only in the form it recognises.
       */
      numericDivisions: SourceRange[];
      /**
       * Every ROUND of a FLOAT64: the two engines round a binary double differently on a decimal tie (3 ÷ 800 =
       * 0.00375 rounds to 0.0037 on BigQuery, 0.0038 on DuckDB), where a NUMERIC rounds the same on both.
       */
      floatRounds: SourceRange[];
    }
  | { ok: false; message: string };

export interface AnalyzeOptions {
  catalog: ZetaSqlCatalog;
  parameters: ReadonlyMap<string, TypeProto>;
}

const CALL_TIMEOUT_MS = 10_000;

// Failures of the channel rather than of the SQL: they must surface as errors, never as "invalid query".
const TRANSPORT_FAILURES = new Set<number>([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.CANCELLED,
]);

function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === "number";
}

export class ZetaSqlServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly client: ZetaSqlLocalServiceClient,
    private readonly output: () => string,
    private readonly removeExitGuard: () => void,
  ) {}

  static async start(options: { timeoutMs?: number } = {}): Promise<ZetaSqlStart> {
    const binary = serverBinary();
    if ("unavailable" in binary) return binary;
    const timeoutMs = options.timeoutMs ?? 15_000;
    const definition = loadServiceDefinition(binary.protoDir);
    // The free port is found by binding port 0 and releasing it, so another process can take it before the
    // server binds. The server then logs "Address already in use" and dies: retry on a new port.
    for (let attempt = 1; ; attempt += 1) {
      const started = await ZetaSqlServer.launch(binary.path, definition, timeoutMs);
      if (started.kind === "ready") return { server: started.server };
      if (started.kind === "port-taken" && attempt < 3) continue;
      if (started.kind === "timeout") throw new Error(started.message);
      return { unavailable: started.message };
    }
  }

  private static async launch(
    binaryPath: string,
    definition: ProtoGrpcType,
    timeoutMs: number,
  ): Promise<
    | { kind: "ready"; server: ZetaSqlServer }
    | { kind: "port-taken" | "cannot-run" | "timeout"; message: string }
  > {
    const port = await freePort();
    const child = spawn(binaryPath, ["127.0.0.1", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keepTail = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout?.on("data", keepTail);
    child.stderr?.on("data", keepTail);
    let exit: string | undefined;
    child.on("error", (error) => {
      exit = `could not be started: ${error.message}`;
    });
    child.on("exit", (code, signal) => {
      exit ??= signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
    });
    // A crashed or interrupted test run must not leave an orphan server behind.
    const guard = (): void => {
      child.kill("SIGKILL");
    };
    process.once("exit", guard);
    const removeExitGuard = (): void => {
      process.removeListener("exit", guard);
    };
    const fail = (kind: "port-taken" | "cannot-run" | "timeout", message: string) => {
      child.kill("SIGKILL");
      removeExitGuard();
      return { kind, message };
    };

    const deadline = Date.now() + timeoutMs;
    while (!(await portAccepts(port))) {
      if (exit !== undefined) break;
      if (Date.now() > deadline) {
        return fail(
          "timeout",
          `ZetaSQL server (${binaryPath}) did not listen on 127.0.0.1:${port} within ${timeoutMs} ms. Output:\n${output}`,
        );
      }
      await sleep(25);
    }
    const client = new definition.zetasql.local_service.ZetaSqlLocalService(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
      { "grpc.max_receive_message_length": 256 * 1024 * 1024 },
    );
    // The port may answer while the server is dying (it logs "listening" before a failed bind), or belong to
    // whoever took it first: only an answered RPC proves this child is the server.
    const handshake =
      exit === undefined
        ? await new Promise<Error | undefined>((resolve) => {
            client.getLanguageOptions({}, { deadline: deadline }, (error) => resolve(error ?? undefined));
          })
        : new Error("not attempted");
    if (exit === undefined && handshake === undefined) {
      return { kind: "ready", server: new ZetaSqlServer(port, child, client, () => output, removeExitGuard) };
    }
    client.close();
    // A server that lost the port race dies a few milliseconds after the failed call: let its exit and its
    // stderr arrive before deciding between "retry on another port" and "cannot run here".
    if (exit === undefined) await sleep(200);
    if (/Address already in use/i.test(output)) return fail("port-taken", output);
    if (exit !== undefined) {
      return fail("cannot-run", `ZetaSQL server ${binaryPath} ${exit}${output ? `: ${output.trim()}` : ""}`);
    }
    return fail(
      "timeout",
      `ZetaSQL server on 127.0.0.1:${port} did not answer gRPC: ${handshake?.message ?? "unknown error"}. Output:\n${output}`,
    );
  }

  async analyze(sql: string, options: AnalyzeOptions): Promise<AnalysisResult> {
    const analyzerOptions: AnalyzerOptionsProto = {
      languageOptions: BIGQUERY_LANGUAGE_OPTIONS,
      queryParameters: [...options.parameters].map(([name, type]) => ({ name, type })),
      parameterMode: "PARAMETER_NAMED",
      // The caret rendering quotes the offending line, which is what a reader of a failing test needs.
      errorMessageMode: "ERROR_MESSAGE_MULTI_LINE_WITH_CARET",
      // BigQuery evaluates timestamp functions without an explicit zone in UTC.
      defaultTimezone: "UTC",
      // Each resolved expression's source text, for what a caller asks of the expressions (numericDivisions).
      parseLocationRecordType: "PARSE_LOCATION_RECORD_FULL_NODE_SCOPE",
    };
    const request: AnalyzeRequest = {
      sqlStatement: sql,
      options: analyzerOptions,
      simpleCatalog: options.catalog.toProto(),
    };
    let response: AnalyzeResponse__Output | undefined;
    try {
      response = await new Promise<AnalyzeResponse__Output | undefined>((resolve, reject) => {
        this.client.analyze(request, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, value) =>
          error ? reject(error) : resolve(value),
        );
      });
    } catch (error) {
      if (isServiceError(error) && !TRANSPORT_FAILURES.has(error.code)) {
        const code = grpc.status[error.code] ?? String(error.code);
        return {
          ok: false,
          message: code === "INVALID_ARGUMENT" ? error.details : `${code}: ${error.details}`,
        };
      }
      const tail = this.output().trim();
      throw new Error(`ZetaSQL server call failed${tail ? ` (server output: ${tail})` : ""}`, {
        cause: error,
      });
    }
    const query = response?.resolvedStatement?.resolvedQueryStmtNode;
    if (!query)
      return { ok: false, message: `not a query statement (${response?.resolvedStatement?.node ?? "none"})` };
    return {
      ok: true,
      columns: query.outputColumnList.map((column) => ({
        name: column.name,
        type: column.column?.type ? toInputType(column.column.type) : { typeKind: TypeKind.TYPE_UNKNOWN },
      })),
      numericDivisions: resolvedCalls(
        query,
        sql,
        (name, kind) => DIVISIONS.has(name) && DECIMAL_KINDS.has(kind),
      ),
      floatRounds: resolvedCalls(
        query,
        sql,
        (name, kind) => name === "ZetaSQL:round" && DOUBLE_KINDS.has(kind),
      ),
    };
  }

  /**
   * Evaluates one BigQuery expression with ZetaSQL's reference implementation (the function library BigQuery is
   * built on), with named parameters: the oracle the DuckDB translation's results are compared with.
   */
  async evaluate(
    expression: string,
    parameters: Readonly<Record<string, EvaluationParameter>> = {},
  ): Promise<Evaluation> {
    const named = Object.entries(parameters).map(([name, parameter]) => ({
      name,
      ...parameterProto(parameter),
    }));
    const options: AnalyzerOptionsProto = {
      languageOptions: BIGQUERY_LANGUAGE_OPTIONS,
      defaultTimezone: "UTC",
      parameterMode: "PARAMETER_NAMED",
      queryParameters: named.map(({ name, type }) => ({ name, type })),
    };
    try {
      const response = await new Promise<EvaluateResponse__Output | undefined>((resolve, reject) => {
        this.client.evaluate(
          { sql: expression, params: named.map(({ name, value }) => ({ name, value })), options },
          { deadline: Date.now() + CALL_TIMEOUT_MS },
          (error, value) => (error ? reject(error) : resolve(value)),
        );
      });
      const type = response?.prepared?.outputType;
      if (!response?.value || !type) throw new Error(`ZetaSQL evaluated ${expression} to nothing`);
      return { ok: true, value: decodeValue(response.value, type) };
    } catch (error) {
      if (isServiceError(error) && !TRANSPORT_FAILURES.has(error.code))
        return { ok: false, message: error.details };
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.client.close();
    this.removeExitGuard();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await exited;
  }
}

/** A parameter of an evaluated expression: a STRING, INT64, FLOAT64, BOOL, or a DATE given as `{ date }`. */
export type EvaluationParameter = string | number | boolean | { date: string };

/**
 * A value as ZetaSQL returns it, in one comparable form per type: INT64 as its decimal digits, NUMERIC and
 * BIGNUMERIC as their shortest decimal text, TIMESTAMP as microseconds since the epoch (decimal digits), DATE and
 * DATETIME as their canonical text, BYTES as hex, JSON as its text; NULL as null.
 */
export type ZetaValue =
  | null
  | {
      type:
        "INT64" | "NUMERIC" | "BIGNUMERIC" | "STRING" | "BYTES" | "DATE" | "DATETIME" | "TIMESTAMP" | "JSON";
      value: string;
    }
  | { type: "FLOAT64"; value: number }
  | { type: "BOOL"; value: boolean }
  | { type: "ARRAY"; value: ZetaValue[] }
  | { type: "STRUCT"; value: Record<string, ZetaValue> };

export type Evaluation = { ok: true; value: ZetaValue } | { ok: false; message: string };

function parameterProto(parameter: EvaluationParameter): { value: ValueProto; type: TypeProto } {
  if (typeof parameter === "string")
    return { value: { stringValue: parameter }, type: { typeKind: TypeKind.TYPE_STRING } };
  if (typeof parameter === "boolean")
    return { value: { boolValue: parameter }, type: { typeKind: TypeKind.TYPE_BOOL } };
  if (typeof parameter === "number") {
    return Number.isInteger(parameter)
      ? { value: { int64Value: String(parameter) }, type: { typeKind: TypeKind.TYPE_INT64 } }
      : { value: { doubleValue: parameter }, type: { typeKind: TypeKind.TYPE_DOUBLE } };
  }
  const days = Date.parse(`${parameter.date}T00:00:00Z`) / 86_400_000;
  return { value: { dateValue: days }, type: { typeKind: TypeKind.TYPE_DATE } };
}

type Int64Like = string | number | { low: number; high: number } | null | undefined;

/** A protobuf int64 as a BigInt, whichever way the loader hands it over. */
function int64(value: Int64Like): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "object") {
    return BigInt.asIntN(64, (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0));
  }
  return BigInt(value);
}

/** NUMERIC and BIGNUMERIC: little-endian two's complement of the value times 10^scale. */
function decimalText(bytes: Uint8Array, scale: number): string {
  let units = 0n;
  for (let index = bytes.length - 1; index >= 0; index -= 1)
    units = (units << 8n) | BigInt(bytes[index] ?? 0);
  if (bytes.length > 0 && (bytes[bytes.length - 1] ?? 0) & 0x80) units -= 1n << BigInt(8 * bytes.length);
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${units < 0n ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

const two = (value: number) => String(value).padStart(2, "0");

function decodeValue(value: ValueProto__Output, type: TypeProto__Output): ZetaValue {
  if (!value.value) return null;
  switch (type.typeKind) {
    case TypeKind.TYPE_INT64:
      return { type: "INT64", value: int64(value.int64Value as Int64Like).toString() };
    case TypeKind.TYPE_DOUBLE:
      return { type: "FLOAT64", value: value.doubleValue ?? 0 };
    case TypeKind.TYPE_BOOL:
      return { type: "BOOL", value: value.boolValue ?? false };
    case TypeKind.TYPE_STRING:
      return { type: "STRING", value: value.stringValue ?? "" };
    case TypeKind.TYPE_BYTES:
      return { type: "BYTES", value: Buffer.from(value.bytesValue ?? []).toString("hex") };
    case TypeKind.TYPE_NUMERIC:
      return { type: "NUMERIC", value: decimalText(value.numericValue ?? new Uint8Array(), 9) };
    case TypeKind.TYPE_BIGNUMERIC:
      return { type: "BIGNUMERIC", value: decimalText(value.bignumericValue ?? new Uint8Array(), 38) };
    case TypeKind.TYPE_JSON:
      return { type: "JSON", value: value.jsonValue ?? "" };
    case TypeKind.TYPE_DATE:
      return {
        type: "DATE",
        value: new Date((value.dateValue ?? 0) * 86_400_000).toISOString().slice(0, 10),
      };
    case TypeKind.TYPE_TIMESTAMP: {
      const { seconds, nanos } = value.timestampValue ?? { seconds: 0, nanos: 0 };
      const micros = int64(seconds as Int64Like) * 1_000_000n + BigInt(Math.trunc(nanos / 1000));
      return { type: "TIMESTAMP", value: micros.toString() };
    }
    case TypeKind.TYPE_DATETIME: {
      // year << 26 | month << 22 | day << 17 | hour << 12 | minute << 6 | second
      const packed = int64(value.datetimeValue?.bitFieldDatetimeSeconds as Int64Like);
      const field = (shift: bigint, bits: bigint) => Number((packed >> shift) & ((1n << bits) - 1n));
      const nanos = value.datetimeValue?.nanos ?? 0;
      const fraction = nanos ? `.${String(nanos).padStart(9, "0").replace(/0+$/, "")}` : "";
      const date = `${String(field(26n, 14n)).padStart(4, "0")}-${two(field(22n, 4n))}-${two(field(17n, 5n))}`;
      const time = `${two(field(12n, 5n))}:${two(field(6n, 6n))}:${two(field(0n, 6n))}`;
      return { type: "DATETIME", value: `${date} ${time}${fraction}` };
    }
    case TypeKind.TYPE_ARRAY: {
      const element = type.arrayType?.elementType;
      if (!element) throw new Error("an ARRAY without its element type");
      return {
        type: "ARRAY",
        value: (value.arrayValue?.element ?? []).map((item) => decodeValue(item, element)),
      };
    }
    case TypeKind.TYPE_STRUCT: {
      const fields = type.structType?.field ?? [];
      return {
        type: "STRUCT",
        value: Object.fromEntries(
          (value.structValue?.field ?? []).map((item, index) => {
            const field = fields[index];
            if (!field?.fieldType) throw new Error("a STRUCT field without its type");
            return [field.fieldName || `_field_${index + 1}`, decodeValue(item, field.fieldType)];
          }),
        ),
      };
    }
    default:
      throw new Error(`no decoding of ZetaSQL ${String(type.typeKind)} values here`);
  }
}

const DIVISIONS = new Set(["ZetaSQL:$divide", "ZetaSQL:safe_divide"]);
const DECIMAL_KINDS = new Set<unknown>([TypeKind.TYPE_NUMERIC, TypeKind.TYPE_BIGNUMERIC]);

const DOUBLE_KINDS = new Set<unknown>([TypeKind.TYPE_DOUBLE]);

/**
 * The source ranges of the function calls in a resolved statement that `matches` (by the function's name and the
 * type kind of its result). The resolved AST is walked as plain data: a function call's node names its function
 * and signature, and the node it extends (`parent`, up the proto's inheritance) holds its parse location, in
 * UTF-8 bytes of `sql`.
 */
function resolvedCalls(
  resolved: unknown,
  sql: string,
  matches: (functionName: string, resultKind: unknown) => boolean,
): SourceRange[] {
  const bytes = Buffer.from(sql, "utf8");
  const toIndex = (byteOffset: number) => bytes.subarray(0, byteOffset).toString("utf8").length;
  const ranges: SourceRange[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const call = node as {
      function?: { name?: unknown };
      signature?: { returnType?: { type?: { typeKind?: unknown } } };
      parent?: unknown;
    };
    if (
      typeof call.function?.name === "string" &&
      matches(call.function.name, call.signature?.returnType?.type?.typeKind)
    ) {
      const location = parseLocation(call.parent);
      if (location) ranges.push({ start: toIndex(location.start), end: toIndex(location.end) });
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(resolved);
  return ranges.sort((a, b) => a.start - b.start);
}

/** The first parse location up a node's `parent` chain. */
function parseLocation(node: unknown): { start: number; end: number } | undefined {
  for (
    let current = node as
      { parent?: unknown; parseLocationRange?: { start?: number; end?: number } } | undefined;
    current;
    current = current.parent as typeof current
  ) {
    const range = current.parseLocationRange;
    if (
      range &&
      typeof range.start === "number" &&
      typeof range.end === "number" &&
      range.end > range.start
    ) {
      return { start: range.start, end: range.end };
    }
  }
  return undefined;
}

export type ZetaSqlStart = { server: ZetaSqlServer } | { unavailable: string };

/** The server build for this platform, as the package's own runServer picks it. */
function serverBinary(): { path: string; protoDir: string } | { unavailable: string } {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve("@fivetrandevelopers/zetasql/package.json"));
  } catch {
    return { unavailable: "@fivetrandevelopers/zetasql is not installed" };
  }
  const names: Partial<Record<string, string>> = {
    "linux-x64": "remote_server.so",
    "linux-arm64": "remote_server_arm.so",
    "darwin-x64": "remote_server",
    "darwin-arm64": "remote_server_arm",
  };
  const name = names[`${process.platform}-${process.arch}`];
  if (!name) {
    return {
      unavailable: `@fivetrandevelopers/zetasql ships no ZetaSQL server for ${process.platform}-${process.arch}`,
    };
  }
  const path = join(packageDir, "lib", "zetasql", name);
  if (!existsSync(path)) return { unavailable: `the ZetaSQL server binary is missing: ${path}` };
  return { path, protoDir: join(packageDir, "lib", "zetasql", "protos") };
}

function loadServiceDefinition(protoDir: string): ProtoGrpcType {
  // Same loader options the package's types were generated with (defaults on, oneof names reported), so the
  // decoded responses have the shapes its *__Output types describe.
  const packageDefinition = protoLoader.loadSync("local_service.proto", {
    defaults: true,
    oneofs: true,
    includeDirs: [protoDir],
  });
  return grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
