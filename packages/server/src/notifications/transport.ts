import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import type { EmailHeaders } from './headers.ts';

/** One e-mail as the transport takes it: its headers as `emailHeaders` decides them, sent at `sentAt`. */
export interface OutgoingEmail {
  headers: EmailHeaders;
  sentAt: Date;
  html: string;
  text: string;
}

export interface Transport {
  /** The provider's id of the accepted message; throws a `SendFailure` when it was not accepted. */
  send(mail: OutgoingEmail): Promise<string>;
  close(): Promise<void>;
}

/**
 * Why a send failed. `permanent`: the server refused the message or its recipients for good (an SMTP 5xx
 * reply) — sending again cannot help and the addresses bounce. Anything else (4xx replies, connection and
 * authentication trouble, timeouts) is temporary and retried.
 */
export class SendFailure extends Error {
  override name = 'SendFailure';
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}

export function classifySendError(err: unknown): SendFailure {
  if (err instanceof SendFailure) return err;
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  const code = e.responseCode;
  const permanent = typeof code === 'number' && code >= 500 && code < 600 && e.code !== 'EAUTH';
  const detail = e.response ?? e.message ?? String(err);
  return new SendFailure(`${e.code ? `${e.code}: ` : ''}${detail}`.slice(0, 1000), permanent);
}

/** No SMTP server configured: the e-mail stays in the outbox, which the mailbox shows. */
const mailbox: Transport = {
  send: async () => 'mailbox',
  close: async () => {},
};

function smtpTransport(url: string, timeoutMs: number): Transport {
  // pooled: a few connections kept open and reused; TLS and auth as the URL says (smtps://, user:pass@).
  // Each wait is bounded well under the send job's expiry (nodemailer's own socket timeout is 10 minutes):
  // a slow server fails the send as a temporary failure instead of pg-boss starting a second one beside it.
  const mailer = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 3,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // a message on a connection that closes is ours to retry (counted, backed off, under the job's expiry);
    // the pool's own requeues would send it again unseen
    maxRequeues: 0,
  });
  return {
    send: async (mail) => {
      try {
        const h = mail.headers;
        const info = await mailer.sendMail({
          from: h.from,
          to: h.to,
          ...(h.replyTo ? { replyTo: h.replyTo } : {}),
          subject: h.subject,
          html: mail.html,
          text: mail.text,
          messageId: h.messageId,
          date: mail.sentAt,
          headers: h.extra,
        });
        // the server's queue id when it says one (`250 OK: queued as …`), else its whole reply
        const reply = String(info.response ?? '');
        return /queued as\s+(\S+)/i.exec(reply)?.[1] ?? (reply || info.messageId);
      } catch (err) {
        throw classifySendError(err);
      }
    },
    close: async () => {
      mailer.close();
    },
  };
}

const open = new Map<string, Transport>();

/** The configured transport: one pool per SMTP_URL for the process. */
export function transportFor(config: Config): Transport {
  if (config.email.transport === 'mailbox' || !config.SMTP_URL) return mailbox;
  const key = `${config.email.smtpTimeoutMs} ${config.SMTP_URL}`;
  let t = open.get(key);
  if (!t) {
    t = smtpTransport(config.SMTP_URL, config.email.smtpTimeoutMs);
    open.set(key, t);
  }
  return t;
}

export async function closeTransports(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  await Promise.all(all.map((t) => t.close()));
}
