// The tab's store port: the vote, the inbox, the colony config and bans go to IndexedDB
// (BeeStore), each noted in the event log. The driver holds the frames after a write until it is
// done. A tab whose storage is unavailable runs in memory, as its problems say: its writes answer
// at once, since there is no disk to wait for (waiting would only drop every ack after a delivery).

import type { VoteState } from '../api';
import type { PersistEffect, Store, Written } from '../driver/ports';
import type { Ban } from '../hive/eviction';
import type { Delivered, Upgrade } from '../hive/events';
import { openBody } from '../link/sealed-body';
import type { Inbox } from '../store/inbox';
import type { LogKind } from '../store/schema';
import type { BeeStore } from '../store/store';

export type Note = (kind: LogKind, text: string, data?: Record<string, unknown>) => void;

export class TabStore implements Store {
  /** Delivered messages whose body did not open under the colony key: dropped, and counted. */
  unreadable = 0;

  constructor(
    private readonly store: BeeStore,
    readonly inbox: Inbox,
    /** The vote loaded from storage, then as last written. */
    public vote: VoteState | null,
    private readonly context: { id: string; colonyKey: Uint8Array | null; note: Note; onDelivered: (message: Delivered) => void; onAdopted?: (upgrade: Upgrade) => void },
  ) {}

  persist(standing: PersistEffect): Written {
    const { term, votedFor, membership } = standing;
    const { id, note } = this.context;
    if (this.vote === null || this.vote.term !== term || this.vote.votedFor !== votedFor) {
      note('vote', votedFor === null ? `term ${term} began` : `voted for ${votedFor === id ? 'itself' : votedFor} in term ${term}`, { term, votedFor });
    } else if (membership) {
      const { hive, members } = membership;
      note('hive', `stored hive ${hive}: ${members.length} members (version ${membership.term}.${membership.epoch})`, { hive, term: membership.term, epoch: membership.epoch, members });
    } else note('hive', 'left its hive');
    this.vote = { term, votedFor };
    return this.written(this.store.saveVote(standing));
  }

  deliver(message: Delivered): Written {
    const readable = this.readable(message);
    if (!readable) return true; // nothing kept, nothing to wait for: it is acknowledged and dropped
    const stored = this.inbox.add(readable);
    if (stored === undefined) return true; // delivered before: the page has heard of it
    this.context.onDelivered(readable);
    return this.written(stored);
  }

  adopt(upgrade: Upgrade, chain: readonly Upgrade[]): Written {
    this.context.note('upgrade', `adopted colony config version ${upgrade.version} via ${upgrade.route.join(' → ')}`, { ...upgrade });
    this.context.onAdopted?.(upgrade);
    return this.written(this.store.saveUpgrade(chain));
  }

  ban(ban: Ban): void {
    const { bee, by, offence, detail } = ban;
    this.context.note('security', `banned bee ${bee} for ${offence} (${detail}), on the word of queen ${by === this.context.id ? 'this bee' : by}`, { ...ban });
    void this.store.saveBan(ban);
  }

  private written(write: Promise<boolean>): Written {
    return this.store.available ? write : true;
  }

  /** The message with its body opened, in a passphrase colony; null (counted) if it does not open. */
  private readable(message: Delivered): Delivered | null {
    const { colonyKey, note } = this.context;
    if (!colonyKey) return message;
    const opened = openBody(colonyKey, message.body);
    if (opened) return { ...message, body: opened.body };
    this.unreadable++;
    note('security', `dropped message ${message.id} from ${message.from}: its body is not sealed under this colony's key`, { msg: message.id, from: message.from });
    return null;
  }
}
