// The local stand-in for Secret Manager: files in <work dir>/secrets/ (git-ignored, never committed), unless
// the environment gives the value. The PII hashing key is generated there once per work dir.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SecretName } from "../../shared/options.ts";
import type { Secrets } from "../../shared/ports.ts";

export const LOCAL_SECRET_FILES: Record<SecretName, string> = {
  piiHashKey: "pii-hash-key",
  smtpUrl: "smtp-url",
  chatWebhookUrl: "chat-webhook-url",
  shopifyAccessToken: "shopify-access-token",
  metaAccessToken: "meta-access-token",
  tiktokAccessToken: "tiktok-access-token",
  googleAdsDeveloperToken: "google-ads-developer-token",
  googleAdsOauth: "google-ads-oauth",
  airbyteApiToken: "airbyte-api-token",
};

export class LocalFileSecrets implements Secrets {
  constructor(
    /** The folder of the secret files, <work dir>/secrets. */
    private readonly folder: string,
    /** Values given in the environment (PULSE_PII_HASH_KEY, PULSE_SMTP_URL), which win over the files. */
    private readonly provided: Partial<Record<SecretName, string>> = {},
  ) {}

  async get(name: SecretName): Promise<string | undefined> {
    const given = this.provided[name];
    if (given) return given;
    const stored = await this.readFile(name);
    if (stored !== undefined || name !== "piiHashKey") return stored;
    return this.generatePiiHashKey();
  }

  private async readFile(name: SecretName): Promise<string | undefined> {
    try {
      return (await readFile(join(this.folder, LOCAL_SECRET_FILES[name]), "utf8")).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      return undefined;
    }
  }

  /** A random key, written only if no other process wrote one first (then that one is used). */
  private async generatePiiHashKey(): Promise<string> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const path = join(this.folder, LOCAL_SECRET_FILES.piiHashKey);
    await writeFile(path, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      },
    );
    return (await readFile(path, "utf8")).trim();
  }
}
