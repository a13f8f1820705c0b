// A model failed: was it reading a raw table an earlier version made, before this version declared a column of
// it (raw.shopify_orders.test, say)? Ingest adds such columns (ensureRawTables); the transform may not (in the
// cloud its service account only reads the raw dataset), so a user who upgrades and runs from transform first
// gets the engine's "no column named test". This turns that into what to do. It is asked only once a build has
// failed: a successful transform pays no extra metadata query for it (test/adapters/warehouse/bigquery/
// transform-cost.test.ts).
import { hasRawSchemaGaps, type RawSchemaGaps, rawSchemaGaps } from "../lib/raw-columns.ts";
import { runFromCommand } from "../lib/run-command.ts";
import { DATASETS } from "../shared/pipeline.ts";
import { RAW_TABLES } from "../shared/raw-schemas.ts";
import { isTransient, PermanentStepError, type StepContext } from "../shared/step.ts";

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * Pure: the failure's message. First line what is missing and the command that adds it (the failure email's
 * preheader shows that line), then why the command forces, if it does, then the model's own error, kept whole.
 */
export function missingRawColumnsMessage(
  gaps: RawSchemaGaps,
  ingest: { command: string; alreadySucceeded: boolean | undefined },
  modelError: string,
): string {
  const missing = [
    ...gaps.tablesWithoutColumns.map(({ table, columns }) => {
      const names = columns.map((column) => column.name);
      return `${DATASETS.raw}.${table.name} lacks the column${names.length > 1 ? "s" : ""} ${listed(names)}`;
    }),
    ...gaps.absentTables.map((table) => `there is no ${DATASETS.raw}.${table.name}`),
  ];
  const count =
    gaps.absentTables.length + gaps.tablesWithoutColumns.reduce((sum, gap) => sum + gap.columns.length, 0);
  const adds =
    gaps.tablesWithoutColumns.length === 0 ? "creates" : gaps.absentTables.length === 0 ? "adds" : "makes";
  const force =
    ingest.alreadySucceeded === undefined
      ? "--force in case ingest has already succeeded for this date, which would skip it as done"
      : ingest.alreadySucceeded
        ? "--force because ingest has already succeeded for this date, which would skip it as done"
        : undefined;
  return [
    `${missing.join("; ")}, which this version declares: run ingest first, which ${adds} ${count > 1 ? "them" : "it"} ` +
      `(the transform only reads the raw tables), then transform and the steps after it: ${ingest.command}`,
    ...(force ? [`(${force}.)`] : []),
    `The model's error: ${modelError}`,
  ].join("\n");
}

/** Whether ingest is recorded as succeeded for the date; undefined when the ledger cannot say. */
async function ingestSucceeded(context: StepContext): Promise<boolean | undefined> {
  try {
    return (await context.ledger.read(context.message.runDate, "ingest"))?.status === "succeeded";
  } catch {
    return undefined;
  }
}

/**
 * What to throw for a transform that failed with `error`: a PermanentStepError naming the declared raw columns
 * (and tables) the warehouse lacks, with `error` as its cause, when it lacks any; else `error` itself. A transient
 * error is passed on untouched, unasked (the retry meets a missing column again, and is diagnosed then), and so is
 * the original error when the diagnosis cannot be made.
 */
export async function explainTransformFailure(context: StepContext, error: unknown): Promise<unknown> {
  if (isTransient(error)) return error;
  let gaps: RawSchemaGaps;
  try {
    gaps = rawSchemaGaps(await context.ports.warehouse.listTables(DATASETS.raw), RAW_TABLES);
  } catch (listError) {
    context.log.warn("could not list the raw tables to explain the failure", { error: listError });
    return error;
  }
  if (!hasRawSchemaGaps(gaps)) return error;
  const alreadySucceeded = await ingestSucceeded(context);
  // A step recorded as succeeded is skipped unless forced; when the ledger cannot say, forcing does no harm.
  const command = runFromCommand(
    { step: "ingest", runDate: context.message.runDate, force: alreadySucceeded !== false },
    context.config,
  );
  const modelError = error instanceof Error ? error.message : String(error);
  return new PermanentStepError(missingRawColumnsMessage(gaps, { command, alreadySucceeded }, modelError), {
    cause: error,
    rerun: { from: "ingest", force: alreadySucceeded !== false },
  });
}
