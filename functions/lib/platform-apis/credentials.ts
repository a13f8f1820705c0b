// A platform's credentials (for the connectors and the reconciliation) come only from the Secrets port (Secret
// Manager in the cloud, <work dir>/secrets/ locally); a missing one is a clear auth problem for that source, never a crash of the step.
import { PlatformAuthError, type RetryPolicy } from "./http.ts";
import type { ConnectorSettings } from "../../shared/connector-settings.ts";
import { OPTIONAL_SECRETS, SECRET_OPTIONS, type SecretName } from "../../shared/options.ts";
import type { SourceName } from "../../shared/raw-schemas.ts";
import type { Secrets } from "../../shared/ports.ts";

export async function requireSecret(
  context: { secrets: Secrets },
  source: SourceName,
  name: SecretName,
): Promise<string> {
  const value = await context.secrets.get(name);
  if (value) return value;
  const declaration = SECRET_OPTIONS[name];
  throw new PlatformAuthError(
    source,
    `the ${name} secret is not set: put it in ${declaration.defaultHelp ?? "the secrets"} or $${declaration.env?.[0] ?? ""} (${declaration.help})`,
  );
}

/**
 * A secret the connector runs without (OPTIONAL_SECRETS): its value, or undefined when this installation has none.
 * A secret that is set but cannot be read still fails, saying why, as a required one does.
 */
export async function optionalSecret(
  context: { secrets: Secrets },
  name: SecretName,
): Promise<string | undefined> {
  if (!OPTIONAL_SECRETS.has(name))
    throw new Error(`${name} is a required secret: read it with requireSecret`);
  return (await context.secrets.get(name)) || undefined;
}

/** The settings' retries; with `deadline` (a connector's, on the io clock) no wait of the client ends after it. */
export function retryPolicy(
  settings: ConnectorSettings,
  deadline?: Date,
  deadlineStep?: string,
): RetryPolicy {
  return {
    maxAttempts: settings.retry.maxAttempts,
    maxDelayMs: settings.retry.maxDelaySeconds * 1000,
    requestTimeoutMs: settings.retry.requestTimeoutSeconds * 1000,
    ...(deadline ? { deadline } : {}),
    ...(deadlineStep ? { deadlineStep } : {}),
  };
}
