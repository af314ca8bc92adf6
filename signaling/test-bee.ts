// Test helper: a scripted bee on a real WebSocket. Tests wait on frames and events through it,
// never on sleeps; the timeouts below only turn a hang into a readable failure.

import WebSocket, { type ClientOptions } from 'ws';
import { SIGNAL_PATH } from '../src/net/signal-protocol';

const WAIT_MS = 2000;

/** A frame as received: tests assert its shape. */
type Frame = Record<string, unknown>;

/** A valid bee id (8–64 lowercase hex digits) made from a number. */
export const beeId = (n: number): string => n.toString(16).padStart(16, '0');

/** `promise`, or a rejection naming `what` if it takes longer than `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Poll `condition` until it holds (for server-side state no frame announces). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await within(
    (async () => {
      while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    what,
  );
}

export class TestBee {
  /** Every frame received, in order. */
  readonly received: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #unread: Frame[] = [];
  #waiters: Array<{ match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }> = [];

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.received.push(frame);
      const waiter = this.#waiters.find((w) => w.match(frame));
      if (waiter) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      } else this.#unread.push(frame);
    });
  }

  static async open(port: number, path = SIGNAL_PATH, options?: ClientOptions): Promise<TestBee> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, options);
    const bee = new TestBee(socket);
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      `a socket to ${path}`,
    );
    return bee;
  }

  /** Open a socket and join; resolves with the welcome frame. */
  static async join(port: number, colony: string, bee: string): Promise<{ bee: TestBee; peers: string[] }> {
    const client = await TestBee.open(port);
    client.send({ type: 'join', colony, bee });
    const welcome = await client.next((f) => f.type === 'welcome');
    return { bee: client, peers: (welcome as { peers: string[] }).peers };
  }

  send(frame: object | string | Buffer): void {
    this.socket.send(typeof frame === 'object' && !Buffer.isBuffer(frame) ? JSON.stringify(frame) : frame);
  }

  /** The first frame not yet consumed that matches (any frame by default); consumes it. */
  next(match: (frame: Frame) => boolean = () => true, what = 'a frame'): Promise<Frame> {
    const index = this.#unread.findIndex(match);
    if (index >= 0) return Promise.resolve(this.#unread.splice(index, 1)[0]!);
    return within(new Promise((resolve) => this.#waiters.push({ match, resolve })), what);
  }

  nextError(code: string): Promise<Frame> {
    return this.next((f) => f.type === 'error' && f.code === code, `error ${code}`);
  }

  nextSignal(from: string): Promise<Frame> {
    return this.next((f) => f.type === 'signal' && f.from === from, `a signal from ${from}`);
  }

  waitClosed(): Promise<{ code: number; reason: string }> {
    return within(this.closed, 'the socket to close');
  }

  close(): void {
    this.socket.terminate();
  }
}
