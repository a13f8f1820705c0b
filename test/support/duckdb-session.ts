// An in-memory DuckDB connection set up as the DuckDB adapter sets up its sessions (a UTC clock, BigQuery's NULL
// ordering): for tests of the dialect translation alone, without a warehouse.
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DUCKDB_SESSION_SETUP } from "../../functions/adapters/warehouse/duckdb/statements.ts";

export interface SessionConnection {
  connection: DuckDBConnection;
  close(): void;
}

export async function openSessionConnection(): Promise<SessionConnection> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  for (const statement of DUCKDB_SESSION_SETUP) await connection.run(statement);
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
