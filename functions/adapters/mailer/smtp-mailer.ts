// Real delivery over SMTP (credentials in the URL, which comes from configuration or Secret Manager).
import nodemailer, { type Transporter } from "nodemailer";
import type { Mailer, OutgoingMail, SentMail } from "../../shared/ports.ts";
import { toNodemailerMessage } from "./message.ts";

/** nodemailer's codes for a connection that failed or dropped before the server's answer. */
const CONNECTION_FAILURES = new Set(["ECONNECTION", "ESOCKET", "ETIMEDOUT"]);

/**
 * Whether a retry could get the mail through: the server answered a 4yz reply, a transient failure in RFC 5321
 * (451 greylisting, 421 "try again later"), or the connection failed before any answer. A 5yz reply is final.
 */
function isTransientSmtpFailure(error: unknown): boolean {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === "number") return responseCode >= 400 && responseCode < 500;
  return typeof code === "string" && CONNECTION_FAILURES.has(code);
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    try {
      const info = await this.transport.sendMail(toNodemailerMessage(mail));
      return { messageId: mail.messageId, location: String(info.response) };
    } catch (error) {
      // isTransient (shared/step.ts) reads `transient`: the bus retries the step instead of failing it for good.
      if (error instanceof Error && isTransientSmtpFailure(error))
        throw Object.assign(error, { transient: true });
      throw error;
    }
  }

  close(): void {
    this.transport.close();
  }
}
