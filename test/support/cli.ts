// The command line as a person runs it: a child process of `functions/cli/main.ts` through tsx, in a work dir,
// with a PII key (generated per test file, never a real one) and any further environment.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";

export function runCli(
  workDir: string,
  args: readonly string[],
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["--import", "tsx", "functions/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, PULSE_WORK_DIR: workDir, PULSE_PII_HASH_KEY: "k".repeat(40), ...env },
  });
}
