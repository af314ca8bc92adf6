// Each hive's colour and letter. The colours are Okabe and Ito's eight, told apart by the common
// kinds of colour blindness; the letter is a second cue for anyone who still cannot (and for a
// grey projector). A hive is named by its queen, so its style comes from her id: her hash picks a
// slot, and queens whose slots collide take the next free one in the order of their ids. Every
// bee that knows the same queens gives every hive the same colour, with no two alike up to eight.

export interface HiveStyle {
  letter: string;
  colour: string;
  /** Text on `colour` (contrast ≥ 4.5:1). */
  ink: string;
  /** Said aloud and read by screen readers: "orange". */
  colourName: string;
}

export const HIVE_STYLES: readonly HiveStyle[] = [
  { letter: 'A', colour: '#e69f00', ink: '#000000', colourName: 'orange' },
  { letter: 'B', colour: '#56b4e9', ink: '#000000', colourName: 'sky blue' },
  { letter: 'C', colour: '#009e73', ink: '#000000', colourName: 'green' },
  { letter: 'D', colour: '#f0e442', ink: '#000000', colourName: 'yellow' },
  { letter: 'E', colour: '#0072b2', ink: '#ffffff', colourName: 'blue' },
  { letter: 'F', colour: '#d55e00', ink: '#000000', colourName: 'red' },
  { letter: 'G', colour: '#cc79a7', ink: '#000000', colourName: 'pink' },
  { letter: 'H', colour: '#000000', ink: '#ffffff', colourName: 'black' },
];

/** A bee in no hive (yet): neutral, and no letter. */
export const NO_HIVE: HiveStyle = { letter: '', colour: '#b8a894', ink: '#2b2118', colourName: 'no hive' };

function slot(queen: string): number {
  let hash = 0;
  for (let i = 0; i < queen.length; i++) hash = (hash * 31 + queen.charCodeAt(i)) >>> 0;
  return hash % HIVE_STYLES.length;
}

export class HivePalette {
  private readonly styles = new Map<string, HiveStyle>();

  /** `queens`: every queen this bee knows of (order does not matter). */
  constructor(queens: Iterable<string>) {
    const taken = new Set<number>();
    for (const queen of [...new Set(queens)].sort()) {
      let at = slot(queen);
      // Past eight hives colours repeat; the letters still tell the first eight apart.
      for (let tries = 0; taken.has(at) && tries < HIVE_STYLES.length; tries++) at = (at + 1) % HIVE_STYLES.length;
      taken.add(at);
      this.styles.set(queen, HIVE_STYLES[at] as HiveStyle);
    }
  }

  /** The style of the hive `queen` rules; a queen not known yet gets her own slot's. */
  of(queen: string | null): HiveStyle {
    if (queen === null) return NO_HIVE;
    return this.styles.get(queen) ?? (HIVE_STYLES[slot(queen)] as HiveStyle);
  }
}
