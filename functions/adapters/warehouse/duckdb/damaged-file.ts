// DuckDB's words for a database file it cannot read, turned into one error that names the file: the command line
// says what to do with it (functions/cli/damaged-warehouse.ts).

/**
 * What DuckDB says of a database file (or its write-ahead log) whose bytes are not what it wrote: a block whose
 * checksum does not match, a log entry whose checksum does not match, metadata or a block cut short. A process
 * killed while DuckDB writes the file can leave it so (test/integration/fault-injection.test.ts saw it once after a
 * SIGKILL during the background checkpoint); no retry or later run can read past it. DuckDB 1.5.6 itself does it:
 * in a stress loop of small writes and CHECKPOINTs over 300 tables (2026-12-06), 7 of 132 SIGKILLs that landed
 * inside a CHECKPOINT left a file that no longer opens with this checksum error, none of 68 between them; without
 * allocator_background_threads, 4 of 66 and none of 34.
 */
const DAMAGED_FILE =
  /Corrupt (database|WAL) file|Failure while replaying WAL file|No more data remaining in MetadataReader|Could not read enough bytes from file/;

/** The warehouse's file cannot be read: DuckDB finds it damaged. Nothing was changed in it. */
export class WarehouseFileDamagedError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `the warehouse file ${path} is damaged: DuckDB cannot read it (${reason}); every run fails on it until it is rebuilt`,
      options,
    );
    this.name = "WarehouseFileDamagedError";
  }
}

/** `error` as a WarehouseFileDamagedError when DuckDB's words say the file is damaged, else as it is. */
export function damagedOr(error: unknown, path: string): unknown {
  const reason = error instanceof Error ? error.message : String(error);
  return DAMAGED_FILE.test(reason) ? new WarehouseFileDamagedError(path, reason, { cause: error }) : error;
}
