// Test helper: a scripted bee on a real WebSocket. Tests wait on frames and events through it,
// never on sleeps; the timeouts below only turn a hang into a readable failure.

import WebSocket, { type ClientOptions } from 'ws';
import { createIdentity, type Identity } from '../src/crypto/identity';
import { proveJoin } from '../src/net/join-proof';
import { SIGNAL_PATH } from '../src/net/signal-protocol';

const WAIT_MS = 2000;

/** A frame as received: tests assert its shape. */
type Frame = Record<string, unknown>;

const identities = new Map<string, Identity>();

/** An identity whose key is seeded from `n`: the same on every call. */
export const seededIdentity = (n: number): Identity =>
  createIdentity((bytes) => {
    bytes.fill(0);
    new DataView(bytes.buffer, bytes.byteOffset).setFloat64(0, n);
  });

/** The identity of test bee `n` (seededIdentity), remembered so TestBee.join can prove it. */
export function testIdentity(n: number): Identity {
  const identity = seededIdentity(n);
  identities.set(identity.id, identity);
  return identity;
}

/** The bee id of test bee `n`: the hash of its key, as every real bee id is. */
export const beeId = (n: number): string => testIdentity(n).id;

/** A join frame for `identity` answering `nonce`. */
export const joinFrame = (colony: string, identity: Identity, nonce: string) => ({
  type: 'join',
  colony,
  bee: identity.id,
  ...proveJoin(identity, colony, nonce),
});

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

  /** Opens a socket; on /signal, also waits for the server's challenge (see nonce). */
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
    if (path === SIGNAL_PATH) bee.nonce = String((await bee.next((f) => f.type === 'challenge', 'the challenge')).nonce);
    return bee;
  }

  /** Open a socket and join as bee id `bee` (made by beeId or testIdentity); resolves with the welcome. */
  static async join(port: number, colony: string, bee: string, options?: ClientOptions): Promise<{ bee: TestBee; peers: string[]; token: string }> {
    const identity = identities.get(bee);
    if (!identity) throw new Error(`no test identity for bee ${bee}: make its id with beeId()`);
    const client = await TestBee.open(port, SIGNAL_PATH, options);
    client.send(joinFrame(colony, identity, client.nonce));
    const welcome = (await client.next((f) => f.type === 'welcome', 'the welcome')) as { peers: string[]; token: string };
    return { bee: client, peers: welcome.peers, token: welcome.token };
  }

  /** The nonce this socket's join must sign (/signal only). */
  nonce = '';

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

/** A raw PeerJS client socket, opened the way the peerjs browser client opens it. */
export class TestPeer {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  #waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      this.#waiters.splice(0).forEach((wake) => wake());
    });
  }

  /** Opens the socket (resolves once the WebSocket is open, before OPEN or ERROR). */
  static async open(port: number, id: string, token: string, key = 'peerjs'): Promise<TestPeer> {
    const query = new URLSearchParams({ key, id, token, version: '1.5.5' });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/peerjs/peerjs?${query}`);
    const peer = new TestPeer(socket);
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      'a PeerJS socket',
    );
    return peer;
  }

  /** Joins /signal as `bee` and opens its PeerJS socket with the token; resolves at OPEN. */
  static async forBee(port: number, colony: string, bee: string): Promise<{ signal: TestBee; peer: TestPeer; token: string }> {
    const { bee: signal, token } = await TestBee.join(port, colony, bee);
    const peer = await TestPeer.open(port, bee, token);
    await peer.next('OPEN');
    return { signal, peer, token };
  }

  send(frame: object | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first unconsumed frame of `type`; consumes it. */
  next(type: string): Promise<Frame> {
    return within(
      (async () => {
        for (;;) {
          const index = this.frames.findIndex((f) => f.type === type);
          if (index >= 0) return this.frames.splice(index, 1)[0]!;
          await new Promise<void>((resolve) => this.#waiters.push(resolve));
        }
      })(),
      `a PeerJS ${type} frame`,
    );
  }

  waitClosed(): Promise<number> {
    return within(this.closed, 'the PeerJS socket to close');
  }
}
