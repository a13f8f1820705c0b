// Secrets from Secret Manager (the PII hashing key, the SMTP URL), read when a step first asks and cached for a
// few minutes: a cold start pays one request per secret it needs, a rotation is picked up without a redeploy.
import { OPTIONAL_SECRETS, type SecretName } from "../../shared/options.ts";
import type { Clock, Secrets } from "../../shared/ports.ts";

export interface SecretPayload {
  payload?: { data?: Uint8Array | string | null } | null;
}

/** The slice of SecretManagerServiceClient used here. */
export interface SecretManagerClient {
  accessSecretVersion(request: { name: string }): Promise<[SecretPayload, ...unknown[]]>;
}

export interface SecretManagerSettings {
  projectId: string;
  /** Secret ids (or full projects/…/secrets/… names). */
  piiHashKeySecret: string;
  smtpUrlSecret: string;
  /**
   * Values already in the environment (Terraform's secret_environment_variables resolve a granted secret
   * there at start-up); Secret Manager is asked only for the others.
   */
  provided?: Partial<Record<SecretName, string>>;
  cacheTtlMs?: number;
  clock?: Clock;
}

const DEFAULT_CACHE_TTL_MS = 5 * 60 * 1000;
const GRPC_NOT_FOUND = 5;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_FAILED_PRECONDITION = 9;
/** DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE: worth a retry (isTransient reads `transient`). */
const GRPC_TRANSIENT = new Set([4, 8, 14]);

/** The connectors' credentials live in secrets named after them: metaAccessToken → pulse-meta-access-token. */
export function connectorSecretId(name: SecretName): string {
  return `pulse-${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export class SecretAccessError extends Error {
  override name = "SecretAccessError";
}

export class SecretManagerSecrets implements Secrets {
  private readonly cache = new Map<string, { value: Promise<string>; expiresAt: number }>();
  private readonly clock: Clock;

  constructor(
    private readonly client: SecretManagerClient,
    private readonly settings: SecretManagerSettings,
  ) {
    this.clock = settings.clock ?? { now: () => new Date() };
  }

  /** projects/P/secrets/S/versions/<version> for a secret id; full names pass through. */
  versionName(secret: string, version = "latest"): string {
    if (/^projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+$/.test(secret)) return secret;
    if (/^projects\/[^/]+\/secrets\/[^/]+$/.test(secret)) return `${secret}/versions/${version}`;
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(secret)) throw new SecretAccessError(`invalid secret id "${secret}"`);
    return `projects/${this.settings.projectId}/secrets/${secret}/versions/${version}`;
  }

  /** The secret's value as text, trailing line breaks removed (`echo … | gcloud secrets versions add` adds one). */
  async read(secret: string, version = "latest"): Promise<string> {
    const name = this.versionName(secret, version);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(name);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = this.fetch(name);
    this.cache.set(name, { value, expiresAt: now + (this.settings.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS) });
    // A failed read must not be cached: the next call asks again.
    value.catch(() => this.cache.delete(name));
    return value;
  }

  async get(name: SecretName): Promise<string | undefined> {
    const given = this.settings.provided?.[name];
    if (given) return given;
    // An optional connector secret exists only when the deployment gave it, and then Terraform resolves it into
    // the environment (infra/locals.tf). Not there means not given: asking Secret Manager would only get a
    // PERMISSION_DENIED, as the function is granted the secrets that exist and no other.
    if (OPTIONAL_SECRETS.has(name)) return undefined;
    if (name === "piiHashKey") return this.read(this.settings.piiHashKeySecret);
    if (name === "smtpUrl") return this.read(this.settings.smtpUrlSecret);
    return this.read(connectorSecretId(name));
  }

  private async fetch(name: string): Promise<string> {
    let response: SecretPayload;
    try {
      [response] = await this.client.accessSecretVersion({ name });
    } catch (error) {
      throw explainSecretError(error, name);
    }
    const data = response.payload?.data;
    if (data === undefined || data === null) throw new SecretAccessError(`secret ${name} has no payload`);
    const text = (typeof data === "string" ? data : Buffer.from(data).toString("utf8")).replace(
      /[\r\n]+$/,
      "",
    );
    if (text.length === 0) throw new SecretAccessError(`secret ${name} is empty`);
    return text;
  }
}

function explainSecretError(error: unknown, name: string): SecretAccessError {
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  const secret = name.replace(/\/versions\/[^/]+$/, "");
  const id = secret.split("/").at(-1) ?? secret;
  let message: string;
  if (code === GRPC_PERMISSION_DENIED || code === 403) {
    message = `Secret Manager denied access to ${secret}: the function's service account needs roles/secretmanager.secretAccessor on that secret (${reason})`;
  } else if (code === GRPC_NOT_FOUND || code === 404) {
    message = `${name} does not exist: add a version with \`printf %s "$VALUE" | gcloud secrets versions add ${id} --data-file=-\` (${reason})`;
  } else if (code === GRPC_FAILED_PRECONDITION) {
    message = `${name} is disabled or destroyed: enable it or add a new version of ${id} (${reason})`;
  } else {
    message = `reading ${name} from Secret Manager failed: ${reason}`;
  }
  const transient = typeof code === "number" && GRPC_TRANSIENT.has(code);
  return Object.assign(new SecretAccessError(message, { cause: error }), { transient });
}
