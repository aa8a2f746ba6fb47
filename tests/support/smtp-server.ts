import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  /** RCPT TO addresses of the SMTP envelope. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string;
  /** The message as it came over the wire (headers and encoded body). */
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that requires AUTH PLAIN/LOGIN with user/pass, and
 * keeps every message it accepts. `stop()` then `start()` again reuses the port (an outage and a recovery).
 */
export async function startSmtpServer({ user = "keyward", pass = "s3cret" } = {}) {
  const received: ReceivedMail[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  const start = async () => {
    server = new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS"],
      authMethods: ["PLAIN", "LOGIN"],
      logger: false,
      closeTimeout: 500,
      onAuth(auth, _session, callback) {
        if (auth.username === user && auth.password === pass) callback(null, { user });
        else callback(new Error("Invalid username or password"));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          simpleParser(raw)
            .then((mail) => {
              received.push({
                to: session.envelope.rcptTo.map((r) => r.address),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                subject: mail.subject ?? "",
                text: mail.text ?? "",
                messageId: mail.messageId ?? "",
                raw,
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    port = (s.server.address() as AddressInfo).port;
  };
  await start();
  return {
    received,
    get port() {
      return port;
    },
    url: (credentials = `${user}:${pass}`) => `smtp://${credentials}@127.0.0.1:${port}`,
    start,
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}
