// Chat alerts through an incoming webhook: Slack (https://api.slack.com/messaging/webhooks: POST {"text": …},
// mrkdwn, with &, < and > escaped) or Google Chat (https://developers.google.com/chat/how-tos/webhooks: POST
// {"text": …} as application/json; charset=UTF-8). The URL is a secret (it alone lets anyone post to the space),
// read when a message is posted and never put in an error or a log line.
import type { Chat, ChatMessage } from "../../shared/ports.ts";

export type ChatKind = Chat["kind"];

/** Long enough for a slow webhook, short enough not to hold a step that has finished its work. */
export const DEFAULT_CHAT_TIMEOUT_MS = 10_000;

export interface WebhookChatOptions {
  kind: ChatKind;
  /** The webhook URL, or undefined when this installation has none (then nothing is posted). */
  url: () => Promise<string | undefined>;
  timeoutMs?: number;
}

/** Why a post failed, without the URL: an HTTP status, a timeout or a network error code. */
export class ChatWebhookError extends Error {
  override name = "ChatWebhookError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Slack's mrkdwn reads &, < and > as markup (links, mentions): they are escaped as its docs ask. */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Both services read *bold* and one line per item; Slack needs its three characters escaped. */
export function chatPayload(kind: ChatKind, message: ChatMessage): { text: string } {
  const escape = kind === "slack" ? slackEscape : (text: string) => text;
  const lines = message.lines.map((line) => `• ${escape(line)}`);
  return { text: [`*${escape(message.title)}*`, ...lines].join("\n") };
}

export class WebhookChat implements Chat {
  readonly kind: ChatKind;

  constructor(private readonly options: WebhookChatOptions) {
    this.kind = options.kind;
  }

  async post(message: ChatMessage): Promise<boolean> {
    const url = await this.options.url();
    if (!url) return false;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_CHAT_TIMEOUT_MS;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=UTF-8" },
        body: JSON.stringify(chatPayload(this.kind, message)),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      // fetch's own errors may quote the address; only their kind is kept.
      const name = (error as { name?: string } | undefined)?.name;
      if (name === "TimeoutError" || name === "AbortError")
        throw new ChatWebhookError(`the ${this.kind} webhook did not answer within ${timeoutMs} ms`);
      const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
      throw new ChatWebhookError(
        `the ${this.kind} webhook could not be reached${typeof code === "string" ? ` (${code})` : ""}`,
      );
    }
    // The body is read (and dropped) so the connection is released; Slack explains a 4xx in it, but it may
    // echo the request, so it is not kept either.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok)
      throw new ChatWebhookError(
        `the ${this.kind} webhook answered HTTP ${response.status}`,
        response.status,
      );
    return true;
  }
}

/** The chat port for a configured kind, its URL read from the Secrets port when a message goes out. */
export function chatFor(
  kind: ChatKind | undefined,
  secrets: { get(name: "chatWebhookUrl"): Promise<string | undefined> },
): Chat | undefined {
  return kind ? new WebhookChat({ kind, url: () => secrets.get("chatWebhookUrl") }) : undefined;
}
