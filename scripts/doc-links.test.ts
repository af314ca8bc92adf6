// Every relative link in README.md and docs/ names a file in the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** Markdown link targets that are paths in this repository (no scheme, no bare #anchor). */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split('#', 1)[0]!)
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target));
}

describe('documentation links', () => {
  it.each(DOCS)('%s links only to files that exist', (doc) => {
    const missing = relativeLinks(readFileSync(join(ROOT, doc), 'utf8')).filter((target) => !existsSync(join(ROOT, dirname(doc), target)));
    expect(missing).toEqual([]);
  });
});
