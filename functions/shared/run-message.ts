// The message that travels between steps (as Pub/Sub message data, JSON). Validated at every hop.
import { z } from "zod";
import { isIsoDate, yesterdayIn } from "../lib/calendar.ts";
import { STEP_NAMES, type StepName } from "./pipeline.ts";

const stepName = z.enum(STEP_NAMES);

export const TRIGGERS = ["scheduler", "cli", "manual", "retry", "file-drop", "emulator"] as const;

export const RunOptionsSchema = z
  .object({
    /** First step to run (earlier ones are skipped). */
    from: stepName.optional(),
    /** Last step to run (the chain stops after it). */
    to: stepName.optional(),
    skip: z.array(stepName).default([]),
    /** Re-run steps already recorded as succeeded for this run date, replacing their outputs. */
    force: z.boolean().default(false),
    /** Rebuild every model from all of history instead of the trailing window. */
    fullRefresh: z.boolean().default(false),
  })
  .strict()
  .refine(
    (options) =>
      !options.from || !options.to || STEP_NAMES.indexOf(options.from) <= STEP_NAMES.indexOf(options.to),
    "options.from must not come after options.to",
  );

export type RunOptions = z.infer<typeof RunOptionsSchema>;

/**
 * A file drop whose start message was dead-lettered, as the dead-letter handler found it recorded: `failed` (ingest
 * read it and could not load it) or `not-read` (no run has read it since it was dropped; it waits in the inbox).
 */
export const FileDropFailureSchema = z
  .object({
    file: z.string(),
    droppedAt: z.string().optional(),
    outcome: z.enum(["failed", "not-read"]),
    /** When a file of the same name and size was loaded before this drop (the same export again is skipped). */
    sameLoadedAt: z.string().optional(),
  })
  .strict();

export type FileDropFailure = z.infer<typeof FileDropFailureSchema>;

export const FailureSchema = z.object({
  step: stepName,
  error: z.string(),
  at: z.string(),
  /** Set when the failure is a dead-lettered file drop's: the email is about the file, not a run. */
  fileDrop: FileDropFailureSchema.optional(),
  /** Where the re-run starts, when not at the failed step (a transform that needs ingest to run first). */
  rerun: z.object({ from: stepName, force: z.boolean() }).strict().optional(),
});

const isoDate = z.string().refine(isIsoDate, "a date as YYYY-MM-DD");

/**
 * What a transform changed in the warehouse, for the export step's incremental extracts: the state it started
 * from and the state it left (each `<run date>@<watermark>` of ops.transform_watermarks), and the day ranges whose
 * partitions it rebuilt (null: every day, a full build). The export re-queries only those days' months when its
 * chunks were made from `fromState`; a message without this field makes it rewrite every month.
 */
export const RebuiltSchema = z
  .object({
    fromState: z.string().nullable(),
    toState: z.string(),
    days: z.array(z.object({ start: isoDate, end: isoDate }).strict()).nullable(),
  })
  .strict();

export type Rebuilt = z.infer<typeof RebuiltSchema>;

export const RunMessageSchema = z
  .object({
    runDate: z.string().refine(isIsoDate, "runDate must be a date as YYYY-MM-DD"),
    runId: z
      .string()
      .min(1)
      .max(120)
      .regex(/^[A-Za-z0-9._:-]+$/, "runId may hold letters, digits and . _ : - only"),
    trigger: z.enum(TRIGGERS),
    options: RunOptionsSchema.default({ skip: [], force: false, fullRefresh: false }),
    /** Set when a step failed for good: the chain jumps to notify, which sends the failure email. */
    failure: FailureSchema.optional(),
    /** The run reports on the generated demo shop: every output says "demo data". */
    demo: z.boolean().optional(),
    /** Set by transform for the steps after it (see RebuiltSchema). */
    rebuilt: RebuiltSchema.optional(),
  })
  .strict();

export type RunMessage = z.infer<typeof RunMessageSchema>;

/** What Cloud Scheduler publishes: the run date is resolved when the first step receives it. */
export const StartMessageSchema = z
  .object({
    runDate: z.string().refine(isIsoDate, "runDate must be a date as YYYY-MM-DD").optional(),
    runId: z.string().optional(),
    trigger: z.enum(TRIGGERS).default("scheduler"),
    options: RunOptionsSchema.optional(),
    demo: z.boolean().optional(),
  })
  .strict();

export class InvalidMessageError extends Error {
  override name = "InvalidMessageError";
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(message)"}: ${issue.message}`).join("; ");
}

export function parseRunMessage(data: unknown): RunMessage {
  const parsed = RunMessageSchema.safeParse(data);
  if (!parsed.success) throw new InvalidMessageError(`invalid run message: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function newRunId(trigger: string, now: Date): string {
  return `${trigger}-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}

/**
 * Accepts a full run message or the scheduler's start message, and resolves a missing run date to
 * yesterday in the shop's time zone (the last complete business day).
 */
export function resolveStartMessage(data: unknown, now: Date, timeZone: string): RunMessage {
  const full = RunMessageSchema.safeParse(data);
  if (full.success) return full.data;
  const start = StartMessageSchema.safeParse(data ?? {});
  if (!start.success) throw new InvalidMessageError(`invalid start message: ${describeIssues(start.error)}`);
  return parseRunMessage({
    runDate: start.data.runDate ?? yesterdayIn(now, timeZone),
    runId: start.data.runId ?? newRunId(start.data.trigger, now),
    trigger: start.data.trigger,
    options: start.data.options,
    ...(start.data.demo ? { demo: true } : {}),
  });
}

/**
 * Why a run date cannot be reported yet, or null: a business day can be reported once it has ended in the shop's
 * time zone, so the latest possible run date is yesterday there. A future date would publish numbers (and
 * findings) for a day that has not happened.
 */
export function futureRunDateProblem(runDate: string, now: Date, timeZone: string): string | null {
  const latest = yesterdayIn(now, timeZone);
  if (runDate <= latest) return null;
  return `run date ${runDate} is after the latest complete day in the shop's time zone (${latest} in ${timeZone}): a day can be reported only once it has ended`;
}

/** Whether the options ask for `step` to run at all. */
export function isStepSelected(step: StepName, options: RunOptions): boolean {
  const index = STEP_NAMES.indexOf(step);
  if (options.from && index < STEP_NAMES.indexOf(options.from)) return false;
  if (options.to && index > STEP_NAMES.indexOf(options.to)) return false;
  return !options.skip.includes(step);
}

/** Whether the chain goes on after `step` under these options. */
export function isAfterLastStep(step: StepName, options: RunOptions): boolean {
  return options.to !== undefined && STEP_NAMES.indexOf(step) >= STEP_NAMES.indexOf(options.to);
}
