// What the platform clients share of OAuth: a secret that holds an application's {"client_id","client_secret"}
// as JSON instead of a token (Airbyte's application, Shopify's Dev Dashboard app), and the POST that exchanges
// such credentials for an access token, on the shared retry layer, its answer read whatever its body (JSON as
// RFC 6749 §5 gives it, a platform's own problem JSON, or text). What a refusal means, and what to fix, is for
// each client to say; the detail quoted from the platform never repeats a secret that was sent.
import type { SecretName } from "../../shared/options.ts";
import type { SourceName } from "../../shared/raw-schemas.ts";
import { type ApiIo, PlatformAuthError, type RetryPolicy, sendWithRetry } from "./http.ts";

export interface ClientCredentials {
  client_id: string;
  client_secret: string;
}

/**
 * The application's id and secret when the secret's text is that JSON object; undefined when it is a token
 * (anything not starting with "{"). Malformed JSON is an auth error that names the secret, never its text.
 */
export function parseClientCredentials(
  text: string,
  source: SourceName,
  secret: SecretName,
): ClientCredentials | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new PlatformAuthError(source, `the ${secret} secret starts with { but is not JSON`);
  }
  const { client_id: id, client_secret: clientSecret } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof id !== "string" || typeof clientSecret !== "string" || !id || !clientSecret)
    throw new PlatformAuthError(source, `the ${secret} secret must be {"client_id","client_secret"}`);
  return { client_id: id, client_secret: clientSecret };
}

export interface TokenAnswer {
  status: number;
  /** The access_token of a 2xx answer, if it gave one. */
  accessToken?: string;
  /** The JSON body ({} when the body is not JSON). */
  body: Record<string, unknown>;
  /** What the platform said (error: error_description, or detail, message, title, or the text), secrets removed. */
  detail: string;
}

/** The platform's words in an error body: OAuth's error and error_description, a problem's detail, or the text. */
export function problemDetail(text: string, body: Record<string, unknown>): string {
  const said = (key: string) => (typeof body[key] === "string" && body[key] ? (body[key] as string) : "");
  const error = said("error");
  const description = said("error_description");
  if (error) return description ? `${error}: ${description}` : error;
  const other = said("detail") || said("message") || said("title") || said("errors") || description;
  if (other) return other;
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 160);
}

/**
 * POSTs `fields` to a token endpoint (form-encoded, or JSON) through sendWithRetry, so 429, 5xx and lost
 * connections are retried as for any request; any other answer is returned for the client to read.
 */
export async function requestToken(
  source: SourceName,
  io: ApiIo,
  retry: RetryPolicy,
  url: string,
  request: { fields: Record<string, string>; encoding: "form" | "json"; describe: string },
): Promise<TokenAnswer> {
  const form = request.encoding === "form";
  const { response } = await sendWithRetry(
    source,
    io,
    retry,
    url,
    {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
      },
      body: form ? new URLSearchParams(request.fields).toString() : JSON.stringify(request.fields),
    },
    request.describe,
  );
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (an HTML error page): the text is the detail.
  }
  let detail = problemDetail(text, body);
  // A platform that echoes what it was sent must not put a secret into a message.
  for (const [key, value] of Object.entries(request.fields))
    if (key !== "grant_type" && key !== "client_id" && value) detail = detail.replaceAll(value, "[redacted]");
  const token = body.access_token;
  return {
    status: response.status,
    ...(response.ok && typeof token === "string" && token ? { accessToken: token } : {}),
    body,
    detail,
  };
}
