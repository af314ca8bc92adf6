// Backpressure for one data channel: write while the channel's buffer is below the high-water
// mark, queue otherwise, and drain when the browser reports the buffer ran low.

import { HIGH_WATER_BYTES } from './transport';

/** Frames a slow link may hold before it is declared stuck; a limit on everything. */
const MAX_QUEUED_FRAMES = 4096;

export class SendQueue {
  private readonly queue: string[] = [];

  constructor(
    private readonly channel: RTCDataChannel,
    private readonly onStuck: () => void,
  ) {
    channel.addEventListener('bufferedamountlow', () => this.drain());
  }

  send(frame: string): void {
    // A link can close between simple-peer's 'connect' and our first write; the transport's
    // 'closed' event follows, and a frame for a dead channel has nowhere to go.
    if (this.channel.readyState !== 'open') return;
    if (this.queue.length === 0 && this.channel.bufferedAmount < HIGH_WATER_BYTES) {
      this.channel.send(frame);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_FRAMES) {
      this.onStuck();
      return;
    }
    this.queue.push(frame);
  }

  private drain(): void {
    while (this.queue.length > 0 && this.channel.readyState === 'open' && this.channel.bufferedAmount < HIGH_WATER_BYTES) {
      this.channel.send(this.queue.shift() as string);
    }
  }
}
