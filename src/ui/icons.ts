// Role icons as vector paths (24 × 24, filled, even-odd), not emoji: a Linux classroom machine
// without an emoji font draws emoji as empty boxes. The same path data is an inline SVG in the
// page (Icon.svelte) and a Path2D on the hive map's canvas, so the two always match.

import type { MapRole } from './roles';

export type IconName = MapRole;

export const ICON_PATHS: Record<IconName, string> = {
  egg: 'M12 2.5c-3.6 0-7 6.2-7 11.2a7 7 0 0 0 14 0c0-5-3.4-11.2-7-11.2z',
  // Two wings above a striped body (the stripes are holes).
  worker:
    'M8.2 2.6a2.7 2.7 0 1 1 0 5.4a2.7 2.7 0 1 1 0-5.4zM15.8 2.6a2.7 2.7 0 1 1 0 5.4a2.7 2.7 0 1 1 0-5.4z' +
    'M12 8.4c3 0 5.2 3.2 5.2 6.9S15 22 12 22s-5.2-3-5.2-6.7 2.2-6.9 5.2-6.9zM7.3 12.6h9.4v1.7H7.3zM7.1 16.4h9.8v1.7H7.1z',
  // A jar of royal jelly with its lid.
  candidate: 'M7.5 2.5h9v3h-9zM6.5 6.5h11c1.1 0 1.8.8 1.8 1.9V19.5a2 2 0 0 1-2 2h-10.6a2 2 0 0 1-2-2V8.4c0-1.1.7-1.9 1.8-1.9zM8 11h8v1.8H8z',
  queen: 'M2.5 7.5l5 4.2L12 4.5l4.5 7.2 5-4.2-2.2 11H4.7zM4.7 19.8h14.6v2H4.7z',
  // A no-entry sign: a disc with a bar cut out.
  evicted: 'M12 2a10 10 0 1 1 0 20a10 10 0 1 1 0-20zM6 10.4h12v3.2H6z',
  // An eye: it watches and takes no part.
  observer: 'M12 5c5 0 9 4.5 10 7c-1 2.5-5 7-10 7S3 14.5 2 12c1-2.5 5-7 10-7zM12 8.5a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z',
  unknown: 'M12 8a4 4 0 1 1 0 8a4 4 0 1 1 0-8z',
};
