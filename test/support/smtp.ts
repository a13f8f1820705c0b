// A real SMTP server on a free loopback port, for tests that send through the production SmtpMailer.
import { SMTPServer } from "smtp-server";
import { SmtpMailer } from "../../functions/adapters/mailer/smtp-mailer.ts";
import type { OutgoingMail } from "../../functions/shared/ports.ts";

/** Sends `mail` with SmtpMailer to a server started for the occasion; returns the raw messages it received. */
export async function sendThroughSmtpServer(mail: OutgoingMail): Promise<Buffer[]> {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}/?ignoreTLS=true`);
  try {
    await mailer.send(mail);
  } finally {
    mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return received;
}
