// A passphrase colony's crypto (passphrase-kit.ts: 13 KB, 6 KB gzip) is nothing an open colony
// uses, so a tab loads it only once it has a colony key: Bee.start awaits it before any link or
// message needs it, and from then on handshakes and seals use it synchronously as before. Using it
// unloaded is a bug in the caller, said as such, never an open colony's answer.
type PassphraseKit = typeof import('./passphrase-kit');

let kit: PassphraseKit | null = null;

export async function loadPassphraseCrypto(): Promise<PassphraseKit> {
  return (kit ??= await import('./passphrase-kit'));
}

export function passphraseCrypto(): PassphraseKit {
  if (kit === null) throw new Error('the passphrase crypto is not loaded: await loadPassphraseCrypto() first');
  return kit;
}
