// The local stand-in for Secret Manager: a PII hashing key generated once per work folder, never committed.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export async function localPiiHashKey(
  workDir: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  if (env.PULSE_PII_HASH_KEY) return env.PULSE_PII_HASH_KEY;
  const path = join(workDir, "secrets", "pii-hash-key");
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(join(workDir, "secrets"), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString("hex");
  await writeFile(path, `${key}\n`, { mode: 0o600, flag: "wx" }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    },
  );
  return (await readFile(path, "utf8")).trim();
}
