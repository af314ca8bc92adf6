// The simple-peer adapter over the real simple-peer, with the browser's WebRTC classes replaced by
// an in-memory pair (below): links open through signals, carry frames, and each end learns when
// the other closes its link.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SimplePeerTransport as Transport } from './simple-peer';
import type { LinkEvent, Signaler } from './transport';

/** One end of an in-memory data channel; `far` is the other end once the link is up. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  binaryType = 'blob';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  far: FakeChannel | null = null;
  constructor(readonly label: string) {
    super();
  }
  send(data: string): void {
    if (this.readyState !== 'open') throw new Error('channel not open');
    const far = this.far;
    queueMicrotask(() => far?.fire('message', { data }));
  }
  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    const far = this.far;
    queueMicrotask(() => {
      this.fire('close');
      if (far && far.readyState !== 'closed') {
        far.readyState = 'closed';
        far.fire('close');
      }
    });
  }
  /** Dispatches an event to both kinds of listener a channel has (simple-peer uses `on…`). */
  fire(type: string, props: object = {}): void {
    fireOn(this, type, props);
  }
}

function fireOn(target: EventTarget, type: string, props: object): void {
  const event = Object.assign(new Event(type), props);
  target.dispatchEvent(event);
  (target as unknown as Record<string, ((e: Event) => void) | null>)[`on${type}`]?.(event);
}

/** The pieces of RTCPeerConnection simple-peer and the transport use; an offer names its sender. */
class FakePeerConnection extends EventTarget {
  static readonly all = new Map<string, FakePeerConnection>();
  readonly id = `pc${FakePeerConnection.all.size}`;
  iceConnectionState: RTCIceConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'complete';
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  private channel: FakeChannel | null = null;
  private far: FakePeerConnection | null = null;
  constructor() {
    super();
    FakePeerConnection.all.set(this.id, this);
  }
  getConfiguration(): RTCConfiguration {
    return {};
  }
  createDataChannel(label: string): FakeChannel {
    return (this.channel = new FakeChannel(label));
  }
  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'offer', sdp: this.id };
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: this.id };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description;
    this.signaling(description.type === 'offer' ? 'have-local-offer' : 'stable');
    this.connectWhenBothDescribed();
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = description;
    this.far = FakePeerConnection.all.get(description.sdp!) ?? null;
    this.signaling(description.type === 'offer' ? 'have-remote-offer' : 'stable');
    this.connectWhenBothDescribed();
  }
  async addIceCandidate(): Promise<void> {}
  async getStats(): Promise<Map<string, object>> {
    return new Map<string, object>([
      ['t', { id: 't', type: 'transport', selectedCandidatePairId: 'p' }],
      ['p', { id: 'p', type: 'candidate-pair', localCandidateId: 'l', remoteCandidateId: 'r' }],
      ['l', { id: 'l', type: 'local-candidate', address: '10.99.0.1', port: 1 }],
      ['r', { id: 'r', type: 'remote-candidate', address: '10.99.0.2', port: 2 }],
    ]);
  }
  close(): void {
    this.channel?.close();
    this.signalingState = 'closed';
    this.iceConnectionState = 'closed';
  }
  private signaling(state: RTCSignalingState): void {
    this.signalingState = state;
    fireOn(this, 'signalingstatechange', {});
  }
  /** Once the initiator holds the answer, both ends connect and the responder gets the channel. */
  private connectWhenBothDescribed(): void {
    const far = this.far;
    if (!far || !this.channel || !this.localDescription || !this.remoteDescription || this.remoteDescription.type !== 'answer') return;
    const mine = this.channel;
    const theirs = (far.channel = new FakeChannel(mine.label));
    mine.far = theirs;
    theirs.far = mine;
    queueMicrotask(() => {
      for (const pc of [this, far]) {
        pc.iceConnectionState = 'connected';
        fireOn(pc, 'iceconnectionstatechange', {});
      }
      fireOn(far, 'datachannel', { channel: theirs });
      for (const channel of [mine, theirs]) {
        channel.readyState = 'open';
        channel.fire('open');
      }
    });
  }
}

/** Signals between bees of one test, delivered as the server would: asynchronously. */
function signalBoard() {
  const inboxes = new Map<string, (from: string, data: unknown) => void>();
  return (self: string): Signaler => ({
    sendSignal: (to, data) => queueMicrotask(() => inboxes.get(to)?.(self, structuredClone(data))),
    onSignal: (listener) => {
      inboxes.set(self, listener);
      return () => inboxes.delete(self);
    },
  });
}

let SimplePeerTransport: typeof Transport;

beforeAll(async () => {
  // The browser's classes, as packages/browser-rtc reads them when simple-peer is first imported.
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  vi.stubGlobal('RTCSessionDescription', class {
    constructor(init: RTCSessionDescriptionInit) {
      Object.assign(this, init);
    }
  });
  vi.stubGlobal('RTCIceCandidate', class {
    constructor(init: RTCIceCandidateInit) {
      Object.assign(this, init);
    }
  });
  ({ SimplePeerTransport } = await import('./simple-peer'));
});

const transports: Transport[] = [];
afterEach(() => {
  for (const transport of transports.splice(0)) transport.destroy();
});

/** Bees 'a' and 'b' with transports on one signal board, and the first event of a kind on each; `bAccepts` is b's answer to offers. */
function pair(bAccepts?: () => boolean) {
  const board = signalBoard();
  const [a, b] = (['a', 'b'] as const).map((self) => {
    const transport = new SimplePeerTransport(self === 'b' && bAccepts ? { self, accepts: bAccepts } : { self }, board(self));
    transports.push(transport);
    return transport;
  }) as [Transport, Transport];
  const next = (transport: Transport, type: LinkEvent['type']) =>
    new Promise<LinkEvent>((resolve) => {
      const stop = transport.subscribe((event) => {
        if (event.type !== type) return;
        stop();
        resolve(event);
      });
    });
  return { a, b, next };
}

describe('the simple-peer transport', () => {
  it('opens a link through signals and carries frames both ways', async () => {
    const { a, b, next } = pair();
    const opened = Promise.all([next(a, 'open'), next(b, 'open')]);
    a.link('b');
    expect(await opened).toEqual([{ type: 'open', peer: 'b' }, { type: 'open', peer: 'a' }]);

    const atB = next(b, 'frame');
    expect(a.send('b', 'hello b')).toBe(true);
    expect(await atB).toEqual({ type: 'frame', peer: 'a', frame: 'hello b' });
    const atA = next(a, 'frame');
    b.send('a', 'hello a');
    expect(await atA).toEqual({ type: 'frame', peer: 'b', frame: 'hello a' });
    expect(a.connectionsCreated + b.connectionsCreated).toBe(2);
  });

  it('tells a bee its link closed when the far end closes it', async () => {
    const { a, b, next } = pair();
    const opened = Promise.all([next(a, 'open'), next(b, 'open')]);
    a.link('b');
    await opened;

    const closedAtB = next(b, 'closed');
    a.unlink('b');
    expect(await closedAtB).toMatchObject({ type: 'closed', peer: 'a' });
    expect(b.send('a', 'anyone there?')).toBe(false);
  });

  it('declines an offer it would not keep before building a peer connection, and the dialler hears so at once', async () => {
    let room = false;
    const { a, b, next } = pair(() => room);
    const refused = next(a, 'closed');
    a.link('b');
    expect(await refused).toEqual({ type: 'closed', peer: 'b', reason: 'refused' });
    expect(b.connectionsCreated).toBe(0);
    expect(a.connectionsCreated).toBe(1);

    // Once it has room, the next offer (a new link) is answered.
    room = true;
    const opened = Promise.all([next(a, 'open'), next(b, 'open')]);
    a.link('b');
    await opened;
    expect(b.connectionsCreated).toBe(1);
  });

  it('answers no late signal of an offer it declined, even once it has room', async () => {
    let room = false;
    const fromA: unknown[] = [];
    const toB: Array<(from: string, data: unknown) => void> = [];
    const refusals: unknown[] = [];
    const a = new SimplePeerTransport({ self: 'a' }, { sendSignal: (_to, data) => fromA.push(data), onSignal: () => () => {} });
    const b = new SimplePeerTransport({ self: 'b', accepts: () => room }, { sendSignal: (_to, data) => refusals.push(data), onSignal: (listener) => (toB.push(listener), () => {}) });
    transports.push(a, b);
    a.link('b');
    await vi.waitFor(() => expect(fromA).toHaveLength(1));
    toB[0]!('a', fromA[0]);
    expect(refusals).toEqual([{ link: (fromA[0] as { link: string }).link, refused: true }]);
    // The same offer again (a late or repeated signal of the declined link): dropped, not answered.
    room = true;
    toB[0]!('a', fromA[0]);
    expect(b.connectionsCreated).toBe(0);
    expect(refusals).toHaveLength(1);
  });
});
