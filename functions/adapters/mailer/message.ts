import type { SendMailOptions } from "nodemailer";
import type { OutgoingMail } from "../../shared/ports.ts";

// Header injection is impossible by construction: values that reach a header lose CR/LF here, whatever
// the content model did.
const stripLineBreaks = (value: string) => value.replace(/[\r\n]+/g, " ");

export function toNodemailerMessage(mail: OutgoingMail): SendMailOptions {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(mail.headers ?? {})) headers[name] = stripLineBreaks(value);
  return {
    from: stripLineBreaks(mail.from),
    to: mail.to.map(stripLineBreaks),
    subject: stripLineBreaks(mail.subject),
    messageId: stripLineBreaks(mail.messageId),
    // A fixed date per message keeps a re-rendered .eml reproducible; the Message-ID names the run date.
    headers,
    text: mail.text,
    html: mail.html,
  };
}
