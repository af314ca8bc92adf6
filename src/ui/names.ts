// Names people can say: every bee id becomes two words and a number ("Amber Clover 42"), the
// same on every device, because it is a pure function of the id. The words are short, common,
// spelled in plain ASCII (every font has them) and kind; the id itself stays one hover or tap
// away wherever a name is shown.

/** 64 of each: six bits of the id's hash pick a word. */
const FIRST = [
  'Amber', 'Azure', 'Brave', 'Breezy', 'Bright', 'Bronze', 'Busy', 'Calm',
  'Cheery', 'Clever', 'Coral', 'Cosmic', 'Cosy', 'Crisp', 'Dapper', 'Eager',
  'Early', 'Fair', 'Fancy', 'Fuzzy', 'Gentle', 'Glad', 'Golden', 'Grand',
  'Happy', 'Hazel', 'Honey', 'Jolly', 'Keen', 'Kind', 'Lemon', 'Lively',
  'Lucky', 'Lunar', 'Maple', 'Merry', 'Minty', 'Misty', 'Noble', 'Olive',
  'Peachy', 'Plucky', 'Polar', 'Proud', 'Quick', 'Quiet', 'Rosy', 'Ruby',
  'Rusty', 'Sandy', 'Shiny', 'Silver', 'Snowy', 'Solar', 'Speedy', 'Sunny',
  'Swift', 'Tidy', 'Tiny', 'Velvet', 'Warm', 'Witty', 'Zesty', 'Zippy',
] as const;

const SECOND = [
  'Acorn', 'Aster', 'Basil', 'Bramble', 'Brook', 'Clover', 'Comet', 'Cricket',
  'Daisy', 'Dune', 'Ember', 'Fern', 'Finch', 'Flint', 'Garden', 'Ginger',
  'Heather', 'Hill', 'Iris', 'Ivy', 'Juniper', 'Kestrel', 'Lark', 'Lily',
  'Linden', 'Lotus', 'Meadow', 'Moss', 'Nectar', 'Oak', 'Orchid', 'Otter',
  'Pebble', 'Pepper', 'Pine', 'Pollen', 'Poppy', 'Puddle', 'Rain', 'Reed',
  'River', 'Robin', 'Sage', 'Seed', 'Sparrow', 'Spruce', 'Star', 'Stone',
  'Sprout', 'Thistle', 'Thyme', 'Tulip', 'Violet', 'Willow', 'Wren', 'Yarrow',
  'Petal', 'Pumpkin', 'Tide', 'Lichen', 'Hollow', 'Bluebell', 'Marigold', 'Plum',
] as const;

/** Two-digit numbers only, so every name is said the same way: ten to ninety-nine. */
const NUMBERS = 90;
const FIRST_NUMBER = 10;

/** FNV-1a over the id's characters: any id (32 hex characters, or the simulator's 8) spreads. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function parts(id: string): [string, string, number] {
  const h = hash(id);
  return [FIRST[h & 63] as string, SECOND[(h >>> 6) & 63] as string, FIRST_NUMBER + ((h >>> 12) % NUMBERS)];
}

/** The bee's friendly name, e.g. "Amber Clover 42". */
export function beeName(id: string): string {
  const [first, second, number] = parts(id);
  return `${first} ${second} ${number}`;
}

/** The short form a crowded map writes beside a bee: first word and number ("Amber 42"). */
export function beeLabel(id: string): string {
  const [first, , number] = parts(id);
  return `${first} ${number}`;
}

/** The longest display name a student may give their bee (it must fit a phone's line). */
export const DISPLAY_NAME_MAX = 24;

/**
 * A display name as typed, made safe to show: control characters and runs of spaces go, the
 * length is capped; an empty result means "no display name".
 */
export function cleanDisplayName(typed: string): string | null {
  const cleaned = [...typed.replace(/\p{C}/gu, ' ').replace(/\s+/g, ' ').trim()].slice(0, DISPLAY_NAME_MAX).join('').trim();
  return cleaned === '' ? null : cleaned;
}

export const NAME_WORDS = { first: FIRST, second: SECOND } as const;
