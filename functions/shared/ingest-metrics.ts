// The ingest step's metric names that later steps read from the ledger (check-quality's reject-rate rule):
// one declaration, so the writer and the reader cannot drift apart again.
export const INGEST_METRICS = {
  /** Data rows read from the run's file drops (rows read = loaded + quarantined). */
  fileRowsRead: "fileRowsRead",
  fileRowsLoaded: "fileRowsLoaded",
  fileRowsQuarantined: "fileRowsQuarantined",
} as const;
