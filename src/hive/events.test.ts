// Which steps only passed heartbeats: the page refreshes for those about once a second.
import { describe, expect, it } from 'vitest';
import { onlyGossip, type Effect, type HiveEvent } from './events';
import type { Frame, Heartbeat } from './frames';

const A = 'a'.repeat(32);
const beat: Heartbeat = { t: 'hb', digest: [[A, 1]], hives: [], term: 3, queen: A, hive: null, hiveVersion: null, uptimeMs: 1200, visible: true, version: 0 };
const heard: HiveEvent = { type: 'frame', peer: A, frame: beat };
const told: Effect = { type: 'send', peer: A, frame: beat };
const ping: Frame = { t: 'bye' };

describe('a step that only passed heartbeats', () => {
  it('is a beat heard that asked for nothing, or a tick that told beats', () => {
    expect(onlyGossip(heard, [])).toBe(true);
    expect(onlyGossip({ type: 'tick' }, [told, told])).toBe(true);
  });

  it('is not one that did anything else, or heard anything else', () => {
    expect(onlyGossip(heard, [told, { type: 'send', peer: A, frame: ping }])).toBe(false);
    expect(onlyGossip({ type: 'tick' }, [told, { type: 'roleChanged', role: 'worker', term: 3, queen: A, hive: null, reign: 3 }])).toBe(false);
    expect(onlyGossip({ type: 'frame', peer: A, frame: ping }, [])).toBe(false);
    expect(onlyGossip({ type: 'linkOpen', peer: A }, [])).toBe(false);
  });
});
