// SMTP whose URL is a secret read on the first mail, so that only the functions that send mail (notify, the
// dead-letter one) ever read it; without an SMTP URL the mail goes to the fallback (the outbox locally).
import type { Mailer, OutgoingMail, Secrets, SentMail } from "../../shared/ports.ts";
import { PermanentStepError } from "../../shared/step.ts";
import { SmtpMailer } from "./smtp-mailer.ts";

export class OnDemandSmtpMailer implements Mailer {
  private chosen: Promise<Mailer | undefined> | undefined;
  private smtp: SmtpMailer | undefined;

  constructor(
    private readonly secrets: Secrets,
    /** Where mail goes when there is no SMTP URL; without one, sending fails and says so. */
    private readonly fallback?: () => Mailer,
  ) {}

  async send(mail: OutgoingMail): Promise<SentMail> {
    if (!this.chosen) {
      const choosing = this.choose();
      // A failed read (a denied or unavailable secret) must not stick: the next mail asks again.
      choosing.catch(() => {
        if (this.chosen === choosing) this.chosen = undefined;
      });
      this.chosen = choosing;
    }
    const mailer = await this.chosen;
    if (!mailer) throw new PermanentStepError(`cannot send "${mail.subject}": there is no SMTP URL`);
    return mailer.send(mail);
  }

  close(): void {
    this.smtp?.close();
  }

  private async choose(): Promise<Mailer | undefined> {
    const url = await this.secrets.get("smtpUrl");
    if (!url) return this.fallback?.();
    this.smtp = new SmtpMailer(url);
    return this.smtp;
  }
}
