// The command that runs a day again from a step, as whoever reads a failure types it: the failure email's re-run
// (notify) and the advice of a step that needs an earlier one run first (the transform, before ingest) say it alike.
import type { PulseConfig } from "../shared/config.ts";

export interface RunFrom {
  step: string;
  runDate: string;
  /** Run steps already recorded as succeeded for the date again (else they are skipped as done). */
  force: boolean;
}

/**
 * In the cloud that is `rerun`, which publishes to the step's topic (infra/README.md, Re-run); the local form would
 * run the day on the reader's machine, on a local DuckDB (a demo shop, in an empty work dir), and leave the cloud
 * run as it was.
 */
export function runFromCommand(run: RunFrom, config?: Pick<PulseConfig, "mode" | "cloud">): string {
  const force = run.force ? " --force" : "";
  if (config?.mode === "cloud") {
    return `npm start -- rerun --from ${run.step} --date ${run.runDate}${force} --project ${config.cloud.projectId}`;
  }
  return `npm start -- --date ${run.runDate} --from ${run.step}${force}`;
}
