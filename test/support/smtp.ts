// A real SMTP server on a free loopback port, for tests that send through the production SmtpMailer.
import { SMTPServer } from "smtp-server";
import { SmtpMailer } from "../../functions/adapters/mailer/smtp-mailer.ts";
import type { OutgoingMail } from "../../functions/shared/ports.ts";

export interface LocalSmtpServer {
  /** A SmtpMailer sending to this server. */
  mailer: SmtpMailer;
  /** Every message the server accepted, raw, in order. */
  received: Buffer[];
  close(): Promise<void>;
}

/**
 * Starts an SMTP server on 127.0.0.1 and a SmtpMailer that sends to it. `refuse`, asked as each message ends,
 * answers it with `refusal` (by default 451, a temporary failure) instead of accepting it.
 */
export async function startSmtpServer(
  refuse: () => boolean = () => false,
  refusal: { responseCode: number; message: string } = { responseCode: 451, message: "Try again later" },
): Promise<LocalSmtpServer> {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (refuse()) {
          callback(Object.assign(new Error(refusal.message), { responseCode: refusal.responseCode }));
          return;
        }
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}/?ignoreTLS=true`);
  return {
    mailer,
    received,
    close: async () => {
      mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends `mail` with SmtpMailer to a server started for the occasion; returns the raw messages it received. */
export async function sendThroughSmtpServer(mail: OutgoingMail): Promise<Buffer[]> {
  const smtp = await startSmtpServer();
  try {
    await smtp.mailer.send(mail);
  } finally {
    await smtp.close();
  }
  return smtp.received;
}
