// What the DuckDB warehouse knows of its stored tables before it writes one: the fingerprint of the model that
// built it (the table's comment) and its estimated row count. DuckDB's catalog function builds a row for every
// table of the database whatever the filter (7–18 ms a call on the 1M-order warehouse, SELECT 1 0.6–2.4 ms), and
// a daily transform asked it once per model (25 calls). Each dataset's tables are now read in one statement, the
// first time one of them is asked for, as the BigQuery adapter's TableCatalog reads a layer's metadata once.
//
// Only this process writes the file (DuckDB locks it), so only this process's writes can make an answer stale:
// the warehouse forgets a table it writes (the next ask reads that table alone, and keeps the answer until the
// table is written again) or, when it built the table whole, keeps what it wrote there (the fingerprint and the
// rows it counted); it forgets everything after a statement it cannot see into (execute, the raw connection).
// Queries and streams only read (the Warehouse port's contract: statements that change tables go through execute).

export interface StoredTable {
  /** The fingerprint of the model SQL that built the table; "" for none. */
  comment: string;
  /** DuckDB's estimated row count. */
  rows: number;
}

export interface StoredTableReads {
  /** Every table of the dataset, by name (none when the dataset does not exist). */
  dataset(dataset: string): Promise<Map<string, StoredTable>>;
  /** One table, undefined when it does not exist. */
  table(dataset: string, table: string): Promise<StoredTable | undefined>;
}

export class StoredTables {
  private readonly datasets = new Map<string, Promise<Map<string, StoredTable>>>();
  /** `dataset.table` of the tables written since their dataset was read. */
  private readonly written = new Set<string>();
  /** Tables known since they were written: read alone after the write, or built whole here. */
  private readonly known = new Map<string, StoredTable | undefined>();
  /** Bumped by every write: a table read alone is kept only if no write came while it was read. */
  private writes = 0;

  /** The table as stored now, undefined when it does not exist; `reads` ask DuckDB when this does not know. */
  async get(dataset: string, table: string, reads: StoredTableReads): Promise<StoredTable | undefined> {
    const name = key(dataset, table);
    if (this.known.has(name)) return this.known.get(name);
    if (this.written.has(name)) {
      const writesBefore = this.writes;
      const read = await reads.table(dataset, table);
      if (this.writes === writesBefore) {
        this.known.set(name, read);
        this.written.delete(name);
      }
      return read;
    }
    let tables = this.datasets.get(dataset);
    if (!tables) {
      const reading = reads.dataset(dataset);
      // A failed read is not kept: the next ask tries again.
      reading.catch(() => {
        if (this.datasets.get(dataset) === reading) this.datasets.delete(dataset);
      });
      this.datasets.set(dataset, reading);
      tables = reading;
    }
    return (await tables).get(table);
  }

  /** After this warehouse wrote (or tried to write) the table: its next answer is read again. */
  wrote(dataset: string, table: string): void {
    this.writes += 1;
    this.known.delete(key(dataset, table));
    this.written.add(key(dataset, table));
  }

  /** After this warehouse built the table whole and knows what it holds: its comment and exact row count. */
  built(dataset: string, table: string, stored: StoredTable): void {
    this.writes += 1;
    this.written.delete(key(dataset, table));
    this.known.set(key(dataset, table), stored);
  }

  /** After a statement that may have changed any table. */
  forgetAll(): void {
    this.writes += 1;
    this.datasets.clear();
    this.written.clear();
    this.known.clear();
  }
}

function key(dataset: string, table: string): string {
  return `${dataset}.${table}`;
}
