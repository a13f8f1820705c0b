// A Secrets port of fixed values, nothing read from disk or Secret Manager: for the benchmark's runs
// (tools/bench-run.ts) and the tests (test/support/secrets.ts re-exports it), so tools never import test/.
import type { SecretName } from "../functions/shared/options.ts";
import type { Secrets } from "../functions/shared/ports.ts";

export const TEST_PII_KEY = "k".repeat(40);

/** The given values; a secret not given is absent (no SMTP URL: mail goes to the outbox). */
export function fixedSecrets(
  values: Partial<Record<SecretName, string>> = { piiHashKey: TEST_PII_KEY },
): Secrets {
  return { get: async (name) => values[name] };
}
