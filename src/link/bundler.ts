// Frames for one link that leave in the same task go as one data-channel message: a queen passing
// on a burst, acks released by one IndexedDB commit, an app refilling its window of sends. Each
// data-channel message costs both ends a fixed toll (a send into the network process, a message
// event) whatever its size, so a burst pays it once. Frames are JSON, which never holds a raw line
// break, so a bundle is its frames joined by "\n" and the far end splits it back: every frame
// is then checked exactly as if it had come alone. A bundle stays within MAX_FRAME_BYTES; a
// frame that is bigger on its own goes alone, as before.

import { MAX_FRAME_BYTES } from '../net/transport';

const SEPARATOR = '\n';

/** The frames of one data-channel message, in order (one, unless its sender bundled them). */
export const unbundle = (message: string): string[] => message.split(SEPARATOR);

export class Bundler {
  private readonly pending = new Map<string, string[]>();
  private scheduled = false;

  constructor(
    /** Writes one data-channel message to `peer`. */
    private readonly write: (peer: string, message: string) => void,
    /** Runs the flush once the current task's synchronous work is done. */
    private readonly later: (flush: () => void) => void = (flush) => queueMicrotask(flush),
  ) {}

  add(peer: string, frame: string): void {
    const frames = this.pending.get(peer);
    if (frames) frames.push(frame);
    else this.pending.set(peer, [frame]);
    if (this.scheduled) return;
    this.scheduled = true;
    this.later(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Writes what waits for `peer` (or for everyone) now: before its link closes or is replaced. */
  flush(peer?: string): void {
    const peers = peer === undefined ? [...this.pending.keys()] : [peer];
    for (const each of peers) {
      const frames = this.pending.get(each);
      this.pending.delete(each);
      if (frames) for (const message of pack(frames)) this.write(each, message);
    }
  }

  /** Forgets what waits for `peer`: its link is gone. */
  drop(peer: string): void {
    this.pending.delete(peer);
  }
}

/** Joins frames into as few messages as MAX_FRAME_BYTES allows, in order. */
function pack(frames: readonly string[]): string[] {
  const messages: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const frame of frames) {
    if (current.length > 0 && length + SEPARATOR.length + frame.length > MAX_FRAME_BYTES) {
      messages.push(current.join(SEPARATOR));
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? SEPARATOR.length : 0) + frame.length;
    current.push(frame);
  }
  if (current.length > 0) messages.push(current.join(SEPARATOR));
  return messages;
}
