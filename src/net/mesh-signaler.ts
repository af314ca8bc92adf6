// Signals for new links take the signaling server while it is reachable, and the mesh (through
// neighbours and queens) when it is not: a colony whose server went away still links workers to
// a new queen. Incoming signals are taken from both.

import { Listeners, type Signaler } from './transport';

/** The server side of signaling: a Signaler that knows whether it is connected. */
export interface ServerSignaler extends Signaler {
  readonly connected: boolean;
}

export class MeshSignaler implements Signaler {
  private readonly listeners = new Listeners<{ from: string; data: unknown }>();
  /** Signals sent through the mesh because the server was out of reach. */
  relayed = 0;

  constructor(
    private readonly server: ServerSignaler,
    /** Hands a signal to the mesh (the protocol routes it like a message, without acks). */
    private readonly viaMesh: (to: string, data: unknown) => void,
  ) {}

  sendSignal(to: string, data: unknown): void {
    if (this.server.connected) {
      this.server.sendSignal(to, data);
      return;
    }
    this.relayed++;
    this.viaMesh(to, data);
  }

  onSignal(listener: (from: string, data: unknown) => void): () => void {
    const fromServer = this.server.onSignal(listener);
    const fromMesh = this.listeners.add(({ from, data }) => listener(from, data));
    return () => {
      fromServer();
      fromMesh();
    };
  }

  /** A signal that arrived through the mesh. */
  deliver(from: string, data: unknown): void {
    this.listeners.emit({ from, data });
  }
}
