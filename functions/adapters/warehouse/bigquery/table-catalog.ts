// What one scoped warehouse knows of the datasets' tables: each dataset's columns and labels are read once, in
// one metadata job (or taken from the listTables call that already read them), then kept current by this
// warehouse's own writes. A daily transform asks, for each of its models, whether the table exists, what its
// columns are and which model SQL built it: one job per layer answers all of them, instead of an existence query
// and a dry run per model.
import type { Row } from "../../../shared/ports.ts";
import { BigQueryWarehouseError } from "./errors.ts";
import type { BigQueryJobs } from "./jobs.ts";
import { datasetColumnsQuery, MODEL_LABEL } from "./statements.ts";

export interface CatalogTable {
  /** Column names in ordinal order; undefined when this warehouse rebuilt the table and has not read it since. */
  columns?: string[];
  /** Each column's INFORMATION_SCHEMA.COLUMNS data_type ("INT64", "ARRAY<STRING>"), in the same order. */
  types?: string[];
  /** The MODEL_LABEL a full build left on the table, if any. */
  fingerprint?: string;
}

/** The model fingerprint in INFORMATION_SCHEMA.TABLE_OPTIONS' labels value, e.g. [STRUCT("pulse_model", "ab12")]. */
export function fingerprintOf(labels: unknown): string | undefined {
  if (typeof labels !== "string") return undefined;
  return new RegExp(`STRUCT\\("${MODEL_LABEL}", "([a-z0-9_-]*)"\\)`).exec(labels)?.[1];
}

export class TableCatalog {
  private readonly datasets = new Map<string, Map<string, CatalogTable>>();
  private readonly reading = new Map<string, Promise<Map<string, CatalogTable>>>();

  constructor(private readonly jobs: BigQueryJobs) {}

  /** Records what datasetColumnsQuery returned for the dataset (rows in ordinal order). */
  remember(dataset: string, rows: readonly Row[]): Map<string, CatalogTable> {
    const tables = new Map<string, CatalogTable>();
    for (const row of rows) {
      const name = String(row.table_name);
      const table = tables.get(name) ?? { columns: [], types: [], fingerprint: fingerprintOf(row.labels) };
      table.columns?.push(String(row.column_name));
      table.types?.push(String(row.data_type ?? ""));
      tables.set(name, table);
    }
    this.datasets.set(dataset, tables);
    return tables;
  }

  private async read(dataset: string): Promise<Map<string, CatalogTable>> {
    const known = this.datasets.get(dataset);
    if (known) return known;
    let pending = this.reading.get(dataset);
    if (!pending) {
      pending = this.jobs
        .rows({
          kind: "metadata",
          label: `columns ${dataset}`,
          sql: datasetColumnsQuery(this.jobs.datasetRef(dataset)),
          parameters: [],
          dataset,
        })
        .then(
          (rows) => this.remember(dataset, rows),
          (error: unknown) => {
            // A dataset that does not exist yet holds no table.
            if (error instanceof BigQueryWarehouseError && error.status === 404) {
              return this.remember(dataset, []);
            }
            throw error;
          },
        )
        .finally(() => this.reading.delete(dataset));
      this.reading.set(dataset, pending);
    }
    return pending;
  }

  /** The table as last read or written, or undefined when it does not exist. */
  async table(dataset: string, table: string): Promise<CatalogTable | undefined> {
    return (await this.read(dataset)).get(table);
  }

  /** The dataset's tables changed in a way this catalog cannot follow (columns added): read them again when asked. */
  forget(dataset: string): void {
    this.datasets.delete(dataset);
  }

  /** After a full build: the table exists, built by `fingerprint`; its columns are not read again. */
  rebuilt(dataset: string, table: string, fingerprint: string): void {
    this.datasets.get(dataset)?.set(table, { fingerprint });
  }
}
