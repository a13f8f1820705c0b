// The one list of names that the code and the infrastructure (infra/*.tf reads pipeline.json) share.
import pipeline from "./pipeline.json" with { type: "json" };

export const STEP_NAMES = [
  "ingest",
  "check-sources",
  "transform",
  "check-quality",
  "export",
  "report",
  "notify",
] as const;

export type StepName = (typeof STEP_NAMES)[number];

export interface StepDefinition {
  name: StepName;
  entryPoint: string;
  topic: string;
  memory: string;
  timeoutSeconds: number;
}

export const STEPS: readonly StepDefinition[] = pipeline.steps.map((step, index) => {
  if (step.name !== STEP_NAMES[index]) {
    throw new Error(`pipeline.json lists step ${step.name} where ${STEP_NAMES[index]} was expected`);
  }
  return { ...step, name: STEP_NAMES[index] as StepName };
});

export const DEAD_LETTER_TOPIC: string = pipeline.deadLetterTopic;
/**
 * The topic Cloud Storage announces files dropped in raw/inbox/ on (infra/pubsub.tf names it the same way), whose
 * push subscription starts the first step.
 */
export const FILE_DROP_TOPIC = `${pipeline.topicPrefix}-file-drops`;
export const EXTRACT_NAMES: readonly string[] = pipeline.extracts;
export const DATASETS = pipeline.datasets;
/** ops.file_drops: one row per file dropped (ingest writes it; check-sources reads the periods of the loaded). */
export const FILE_DROPS_TABLE = "file_drops";
/**
 * ops.connector_history_owed: the days of an ads connector's history its next runs still have to pull, by account
 * (ingest rewrites a source's rows after each pull; the transform reads them into unified.source_coverage).
 */
export const CONNECTOR_HISTORY_OWED_TABLE = "connector_history_owed";

export function stepDefinition(name: StepName): StepDefinition {
  const found = STEPS.find((step) => step.name === name);
  if (!found) throw new Error(`unknown step ${name}`);
  return found;
}

/** The step that follows `name` in the chain, or undefined after the last one. */
export function nextStep(name: StepName): StepName | undefined {
  const index = STEP_NAMES.indexOf(name);
  return STEP_NAMES[index + 1];
}

export function isStepName(value: string): value is StepName {
  return (STEP_NAMES as readonly string[]).includes(value);
}
