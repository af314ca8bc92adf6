// The page hears of each delivered message once: the library's `message` event comes from here.
import { describe, expect, it } from 'vitest';
import type { Delivered } from '../hive/protocol';
import { Inbox } from '../store/inbox';
import { BeeStore } from '../store/store';
import { TabStore } from './tab-store';

describe('TabStore', () => {
  it('a message delivered again (after the protocol forgot its id) is not announced twice', () => {
    const store = new BeeStore(null, 'a'.repeat(32), () => undefined);
    const heard: Delivered[] = [];
    const tab = new TabStore(store, new Inbox(store, []), null, { id: 'a'.repeat(32), colonyKey: null, note: () => undefined, onDelivered: (m) => heard.push(m) });
    const message = { id: 'm1', from: 'b'.repeat(32), body: { n: 1 }, at: 1, route: ['b'.repeat(32)] };
    tab.deliver(message);
    tab.deliver({ ...message });
    expect(heard).toEqual([message]);
  });
});
