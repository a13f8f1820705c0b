// A file drop whose start message was dead-lettered: the run it started never went through, but the file itself
// may have been read since (by the nightly run, or another drop's run), may have failed to load, or may still wait
// in raw/inbox/ for the next run. The email says which, from what ingest recorded of it in ops.file_drops: no email
// for a file loaded since, "could not be loaded" only for one that ingest read and failed, "not read yet" otherwise.
import { readQuery } from "../lib/sql/queries.ts";
import type { HandlerRuntime } from "../shared/handler.ts";
import type { DeadFileDrop } from "../shared/dead-letter-drop.ts";
import { DATASETS, FILE_DROPS_TABLE } from "../shared/pipeline.ts";
import type { RunMessage } from "../shared/run-message.ts";
import { notifyFailure } from "./step.ts";

interface DropRecord {
  status: string;
  error: string | null;
  received_at: string | Date;
  since_drop: boolean;
}

function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** What ops.file_drops holds of the dropped file (sql/queries/notify/dead_file_drop.sql), if anything. */
async function recordOf(drop: DeadFileDrop, runtime: HandlerRuntime): Promise<DropRecord | undefined> {
  const { warehouse } = runtime.ports;
  const tables = await warehouse.listTables(DATASETS.ops);
  if (!tables.some((table) => table.name === FILE_DROPS_TABLE)) return undefined;
  const [row] = await warehouse.query<DropRecord>(
    readQuery("notify/dead_file_drop"),
    {
      file_name: drop.fileName,
      // Without the drop's time, every record of the name counts as made after it.
      dropped_at: drop.droppedAt ?? new Date(0).toISOString(),
      size_bytes: drop.sizeBytes ?? -1,
    },
    { label: `file drop ${drop.fileName}: what ingest recorded`, maxRows: 1 },
  );
  return row;
}

/**
 * Sends the dead-lettered file drop's email, or none when the file has been loaded since. `message` is the run
 * the drop started (its run date and run id), `reason` why its deliveries failed.
 */
export async function notifyDeadFileDrop(
  message: RunMessage,
  drop: DeadFileDrop,
  reason: string,
  runtime: HandlerRuntime,
): Promise<void> {
  const record = await recordOf(drop, runtime);
  const since = record?.since_drop ? record : undefined;
  if (since?.status === "loaded") {
    runtime.log.info("dead letter for a file drop that ingest has loaded since; no email", {
      file: drop.fileName,
      loadedAt: iso(since.received_at),
    });
    return;
  }
  const failed = since?.status === "failed";
  const sameLoaded = !since && record?.status === "loaded" ? iso(record.received_at) : undefined;
  const at = runtime.ports.clock.now().toISOString();
  await notifyFailure(
    {
      ...message,
      failure: {
        step: "ingest",
        error: failed
          ? (since.error ?? `${drop.fileName}: ingest recorded it as failed`)
          : `The run this drop started (ingest for ${message.runDate}) was dead-lettered: ${reason}.`,
        at,
        fileDrop: {
          file: drop.fileName,
          ...(drop.droppedAt ? { droppedAt: drop.droppedAt } : {}),
          outcome: failed ? "failed" : "not-read",
          ...(sameLoaded ? { sameLoadedAt: sameLoaded } : {}),
        },
      },
    },
    runtime,
  );
}
