// Each step's pure function, by name: the Cloud Function entry points and the local runner share this map.
import { runCheckQuality } from "./check-quality/step.ts";
import { runCheckSources } from "./check-sources/step.ts";
import { runExport } from "./export/step.ts";
import { runIngest } from "./ingest/step.ts";
import { runNotify } from "./notify/step.ts";
import { runReport } from "./report/step.ts";
import type { StepName } from "./shared/pipeline.ts";
import type { StepFunction } from "./shared/step.ts";
import { runTransform } from "./transform/step.ts";

export const STEP_FUNCTIONS: Record<StepName, StepFunction> = {
  ingest: runIngest,
  "check-sources": runCheckSources,
  transform: runTransform,
  "check-quality": runCheckQuality,
  export: runExport,
  report: runReport,
  notify: runNotify,
};
