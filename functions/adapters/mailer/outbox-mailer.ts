// Local mailer: the message nodemailer would send, written as an .eml file plus an .html preview.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Mailer, OutgoingMail, SentMail } from "../../shared/ports.ts";
import { toNodemailerMessage } from "./message.ts";

export class OutboxMailer implements Mailer {
  private readonly transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: "unix",
  });

  constructor(private readonly folder: string) {}

  async send(mail: OutgoingMail): Promise<SentMail> {
    const info = await this.transport.sendMail(toNodemailerMessage(mail));
    const baseName = mail.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9._-]/g, "_");
    await mkdir(this.folder, { recursive: true });
    const emlPath = join(this.folder, `${baseName}.eml`);
    await writeFile(emlPath, info.message as Buffer);
    await writeFile(join(this.folder, `${baseName}.html`), mail.html);
    return { messageId: mail.messageId, location: emlPath };
  }
}
