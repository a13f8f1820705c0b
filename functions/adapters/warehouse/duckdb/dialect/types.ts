// BigQuery type names as DuckDB types: in CAST and in typed literals.

// Typed literals whose DuckDB spelling differs: BigQuery's TIMESTAMP '…' is an instant, DATETIME '…' a civil time.
export const TYPED_LITERALS: Record<string, string> = {
  TIMESTAMP: "TIMESTAMPTZ",
  DATETIME: "TIMESTAMP",
  NUMERIC: "DECIMAL(38, 9)",
  BIGNUMERIC: "DECIMAL(38, 9)",
  JSON: "JSON",
};

export const SCALAR_TYPES: Record<string, string> = {
  INT64: "BIGINT",
  INT: "BIGINT",
  INTEGER: "BIGINT",
  SMALLINT: "BIGINT",
  BIGINT: "BIGINT",
  TINYINT: "BIGINT",
  BYTEINT: "BIGINT",
  FLOAT64: "DOUBLE",
  NUMERIC: "DECIMAL(38, 9)",
  DECIMAL: "DECIMAL(38, 9)",
  // DuckDB's widest decimal is 38 digits: BIGNUMERIC values beyond DECIMAL(38, 9) do not fit locally.
  BIGNUMERIC: "DECIMAL(38, 9)",
  BIGDECIMAL: "DECIMAL(38, 9)",
  STRING: "VARCHAR",
  BOOL: "BOOLEAN",
  BOOLEAN: "BOOLEAN",
  BYTES: "BLOB",
  DATE: "DATE",
  // BigQuery DATETIME is a civil date-time (no zone) and TIMESTAMP an instant.
  DATETIME: "TIMESTAMP",
  TIMESTAMP: "TIMESTAMPTZ",
  TIME: "TIME",
  JSON: "JSON",
  INTERVAL: "INTERVAL",
};
