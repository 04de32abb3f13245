import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface Arrival {
  /** RCPT TO addresses of the envelope */
  to: string[];
  from: string;
  raw: string;
  mail: ParsedMail;
}

/**
 * What the server answers to each recipient: accept, refuse with an SMTP reply code, or `hang` (never
 * answer: a server gone slow).
 */
export type RcptAnswer = 'accept' | 'hang' | { code: number; message: string };

export interface TestSmtp {
  url: string;
  arrivals: Arrival[];
  /** every RCPT TO the server was asked, answered or not */
  rcptTries: string[];
  /** sessions the client closed while the server was hanging on them */
  droppedWhileHanging: number;
  /** decides each recipient's answer; accepts by default */
  answer: (address: string, tryNumber: number) => RcptAnswer;
  close(): Promise<void>;
}

/** A real SMTP server on loopback that keeps every message it accepts, parsed. */
export async function startSmtp(): Promise<TestSmtp> {
  const state: TestSmtp = {
    url: '',
    arrivals: [],
    rcptTries: [],
    droppedWhileHanging: 0,
    answer: () => 'accept',
    close: async () => {},
  };
  const hanging = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onClose(session) {
      if (hanging.delete(session.id)) state.droppedWhileHanging++;
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      state.rcptTries.push(address.address);
      const answer = state.answer(address.address, state.rcptTries.length);
      if (answer === 'accept') return callback();
      if (answer === 'hang') {
        hanging.add(session.id);
        return;
      }
      const err = Object.assign(new Error(answer.message), { responseCode: answer.code });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((mail) => {
            state.arrivals.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              raw,
              mail,
            });
            callback(null);
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
