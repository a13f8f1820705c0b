// Real delivery over SMTP (credentials in the URL, which comes from configuration or Secret Manager).
import nodemailer, { type Transporter } from "nodemailer";
import type { Mailer, OutgoingMail, SentMail } from "../../shared/ports.ts";
import { toNodemailerMessage } from "./message.ts";

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const info = await this.transport.sendMail(toNodemailerMessage(mail));
    return { messageId: mail.messageId, location: String(info.response) };
  }

  close(): void {
    this.transport.close();
  }
}
