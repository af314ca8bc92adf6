// In-memory links for unit tests: the same Transport contract, delivered asynchronously (like a
// real data channel) through one shared MemoryNetwork.

import { Listeners, type LinkEvent, type Transport } from './transport';

export class MemoryNetwork {
  private readonly transports = new Map<string, MemoryTransport>();

  transport(self: string): MemoryTransport {
    const transport = new MemoryTransport(self, this);
    this.transports.set(self, transport);
    return transport;
  }

  /** @internal */ find(bee: string): MemoryTransport | undefined {
    return this.transports.get(bee);
  }

  /** @internal */ forget(bee: string): void {
    this.transports.delete(bee);
  }
}

export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  connectionsCreated = 0;
  private readonly listeners = new Listeners<LinkEvent>();
  private readonly open = new Set<string>();
  private destroyed = false;

  constructor(
    readonly self: string,
    private readonly network: MemoryNetwork,
  ) {}

  link(peer: string): void {
    if (this.destroyed || this.open.has(peer)) return;
    queueMicrotask(() => {
      const remote = this.network.find(peer);
      if (!remote || this.destroyed) {
        this.emit({ type: 'closed', peer, reason: 'no such bee' });
        return;
      }
      if (this.open.has(peer)) return;
      this.open.add(peer);
      remote.open.add(this.self);
      this.connectionsCreated++;
      remote.connectionsCreated++;
      this.emit({ type: 'open', peer });
      remote.emit({ type: 'open', peer: this.self });
    });
  }

  send(peer: string, frame: string): boolean {
    if (!this.open.has(peer)) return false;
    queueMicrotask(() => {
      const remote = this.network.find(peer);
      if (remote?.open.has(this.self)) remote.emit({ type: 'frame', peer: this.self, frame });
    });
    return true;
  }

  unlink(peer: string): void {
    if (!this.open.delete(peer)) return;
    const remote = this.network.find(peer);
    queueMicrotask(() => {
      this.emit({ type: 'closed', peer, reason: 'closed here' });
      if (remote?.open.delete(this.self)) remote.emit({ type: 'closed', peer: this.self, reason: 'closed by peer' });
    });
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  destroy(): void {
    for (const peer of [...this.open]) this.unlink(peer);
    this.destroyed = true;
    this.network.forget(this.self);
  }

  private emit(event: LinkEvent): void {
    if (!this.destroyed) this.listeners.emit(event);
  }
}
