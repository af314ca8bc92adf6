// Checks of what a page shows a person, run inside the page: text only in characters every
// classroom machine's fonts draw (no emoji, which Debian's Chromium without an emoji font shows
// as empty boxes), icons as SVG, no word broken over two lines and no label cut off.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

/**
 * What the text of the pages may use: ASCII, Latin-1, general punctuation (· … – —), arrows and
 * a few math signs. DejaVu and Liberation (Debian's default fonts) and every desktop's
 * system-ui font cover all of it; emoji and pictographs lie outside.
 */
export const DRAWABLE = /^[\u0020-\u007e\u00a0-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2212\u00d7\s]*$/u;

/** Visible text containing characters outside DRAWABLE, with the element that holds it. */
export function undrawableText(page: Page): Promise<string[]> {
  return page.evaluate((source) => {
    const drawable = new RegExp(source, 'u');
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !el.checkVisibility() || drawable.test(node.textContent ?? '')) continue;
      found.push(`<${el.tagName.toLowerCase()}> ${JSON.stringify(node.textContent)}`);
    }
    for (const el of document.querySelectorAll<HTMLElement>('[title], [aria-label], button, option')) {
      for (const text of [el.title, el.getAttribute('aria-label') ?? '']) if (!drawable.test(text)) found.push(`<${el.tagName.toLowerCase()}> attribute ${JSON.stringify(text)}`);
    }
    return found;
  }, DRAWABLE.source);
}

/**
 * Words drawn over more than one line, and labels whose text is wider than their box. Bee ids
 * (in <code>, one tap away) may wrap anywhere; visually hidden lists are for screen readers.
 */
export function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const skip = (el: Element) => el.closest('code, .visually-hidden, [aria-hidden="true"]') !== null || !el.checkVisibility();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || skip(el)) continue;
      // A line may break after a hyphen or a slash ("e2e-sp-…"): those are the words' own breaks.
      for (const word of (node.textContent ?? '').matchAll(/[^\s\-\u2010-\u2015/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.bottom)));
        if (lines.size > 1) found.push(`"${word[0]}" in <${el.tagName.toLowerCase()}> is broken over ${lines.size} lines`);
      }
    }
    const labels = 'dt, dd, button, label, summary, h1, h2, a.button, [data-role-badge], [data-bee-name], [data-hive-letter], [data-counter]';
    for (const el of document.querySelectorAll<HTMLElement>(labels)) {
      if (skip(el)) continue;
      if (el.scrollWidth > el.clientWidth + 1) found.push(`<${el.tagName.toLowerCase()}> "${el.textContent?.trim().slice(0, 40)}" is ${el.scrollWidth} px wide in a ${el.clientWidth} px box`);
    }
    return found;
  });
}

/** Role icons on the page: how many are SVG, and how many role badges have no SVG icon. */
export function roleIcons(page: Page): Promise<{ svg: number; badgesWithoutSvg: number }> {
  return page.evaluate(() => ({
    svg: document.querySelectorAll('svg[data-icon]').length,
    badgesWithoutSvg: [...document.querySelectorAll('[data-role-badge]')].filter((badge) => badge.querySelector('svg[data-icon]') === null).length,
  }));
}

/** Raw 32-hex-character bee ids in the visible text (names are shown instead; ids sit in titles and closed details). */
export function visibleHexIds(page: Page): Promise<string[]> {
  return page.evaluate(() => document.body.innerText.match(/\b[0-9a-f]{32}\b/g) ?? []);
}

/** axe finds no serious or critical issue; its full report is attached. */
export async function expectAccessible(page: Page, what: string, testInfo: TestInfo): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  await testInfo.attach(`axe-${what}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`), `${what}: serious a11y violations`).toEqual([]);
}

/** A screenshot under test-results/ (the full page unless `fullPage` is false), attached to the report. */
export async function screenshot(page: Page, name: string, testInfo: TestInfo, fullPage = true): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

