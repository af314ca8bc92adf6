// Authority as a certificate anyone can check. A queen's claim carries the signed votes (ballots)
// of a majority of the membership she was elected in; an heir bred in a split carries her
// mother's signed split. A bee follows only a claim whose certificate it verified, so a single
// bee cannot talk a hive into following it, and whatever certificate verifies was truly given.
// The core never sees a key: the driver's Notary seals and checks statements (Ed25519 in a tab,
// a cheap stand-in in the simulator).

import { remember } from './bounded';
import { isMember, majority, type Membership } from './membership';

/** A signature by `bee` over a statement, with the public key it verifies under. */
export interface Seal {
  bee: string;
  pub: string;
  sig: string;
}

/** What bees sign for one another (the notary binds the kind into the signed bytes). */
export type Statement =
  /** A vote for `candidate` as queen of `membership.hive` in `term`, cast as a member of `membership`. */
  | { k: 'ballot'; term: number; candidate: string; membership: Membership }
  /** The queen of the hive in `membership.term` proposes this membership. */
  | { k: 'membership'; membership: Membership }
  /** A queen breeds `heir` as the first queen of the new hive `membership`. */
  | { k: 'split'; heir: string; membership: Membership };

export interface Notary {
  /** This bee's seal over `statement`. */
  seal(statement: Statement): Seal;
  /** Whether `seal` is `seal.bee`'s own over `statement`. Never throws. */
  verify(statement: Statement, seal: Seal): boolean;
}

/** How a queen came to reign. */
export type Authority =
  | { by: 'votes'; ballots: Seal[] }
  | { by: 'split'; seal: Seal };

/** A queen's claim: she reigns over `membership.hive` in `term`. */
export interface Claim {
  term: number;
  membership: Membership;
  authority: Authority;
}

/** Claims whose verdict a bee remembers: each claim is verified once per bee. */
const VERDICTS = 256;

/**
 * Whether `claim` by `claimant` is certified. Elected: ballots of distinct members of the
 * membership she was elected in, a majority of them, each for her in that hive and term. Bred:
 * her hive is new (no queen before her), and the seal is a split naming her and these members.
 * Who bred her is `claim.authority.seal.bee`; the caller decides whether that bee may.
 */
export function certifies(claimant: string, claim: Claim, notary: Notary): boolean {
  const { membership, authority, term } = claim;
  if (!isMember(membership, claimant)) return false;
  if (authority.by === 'split') {
    return membership.term === 0 && membership.epoch === 0 && notary.verify({ k: 'split', heir: claimant, membership }, authority.seal);
  }
  const voters = new Set<string>();
  for (const ballot of authority.ballots) {
    if (voters.has(ballot.bee) || !isMember(membership, ballot.bee)) return false;
    if (!notary.verify({ k: 'ballot', term, candidate: claimant, membership }, ballot)) return false;
    voters.add(ballot.bee);
  }
  return voters.size >= majority(membership.members.length);
}

/** Verdicts on claims already checked, so a claim heard many times is verified once. */
export class Verdicts {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly check: (claimant: string, claim: Claim) => boolean) {}

  certifies(claimant: string, claim: Claim): boolean {
    const { membership: m, authority } = claim;
    const proof = authority.by === 'split' ? `${authority.seal.bee}:${authority.seal.sig}` : authority.ballots.map((b) => `${b.bee}:${b.sig}`).join(',');
    const key = `${claimant} ${m.hive} ${claim.term} ${m.term}.${m.epoch} ${m.members.join(',')} ${proof}`;
    let verdict = this.known.get(key);
    if (verdict === undefined) {
      verdict = this.check(claimant, claim);
      remember(this.known, key, verdict, VERDICTS);
    }
    return verdict;
  }
}
