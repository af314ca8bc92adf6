// @thaunknown/simple-peer ships no types: what src/net/simple-peer.ts uses of its data-channel-only
// entry (a streamx Duplex with simple-peer's events).
declare module '@thaunknown/simple-peer/lite.js' {
  export type SignalData =
    | { type: 'offer' | 'answer'; sdp: string }
    | { type: 'candidate'; candidate: RTCIceCandidateInit }
    | { type: 'renegotiate'; renegotiate: true }
    | { type: 'transceiverRequest'; transceiverRequest: { kind: string; init?: RTCRtpTransceiverInit } };

  export interface Options {
    initiator?: boolean;
    trickle?: boolean;
    config?: RTCConfiguration;
    /** Frames arrive as sent (strings stay strings) rather than as bytes. */
    objectMode?: boolean;
  }

  export default class Peer {
    constructor(options?: Options);
    signal(data: SignalData): void;
    destroy(err?: Error): void;
    on(event: 'signal', listener: (data: SignalData) => void): this;
    on(event: 'connect' | 'close' | 'end', listener: () => void): this;
    on(event: 'data', listener: (data: Uint8Array | string) => void): this;
    on(event: 'error', listener: (err: Error & { code?: string }) => void): this;
  }
}
