// Plain SVG charts for the summary, written by hand (a few dozen elements each: no library or
// browser needed): log-log line charts and a bar chart of ratios on a log scale.

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const COLOURS = ['#d97706', '#2563eb', '#6b7280', '#059669', '#dc2626', '#7c3aed'];
const MARGIN = { top: 28, right: 16, bottom: 44, left: 56 };

export interface Series {
  name: string;
  points: Array<[x: number, y: number]>;
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Powers of ten spanning [min, max], widened to whole decades. */
export function decades(min: number, max: number): number[] {
  const from = Math.floor(Math.log10(min));
  const to = Math.max(from + 1, Math.ceil(Math.log10(max)));
  // From the literal, so 10^-4 is 0.0001 and not 0.00009999999999999999.
  return Array.from({ length: to - from + 1 }, (_, i) => Number(`1e${from + i}`));
}

const tickLabel = (value: number) => (value >= 1_000_000 ? `${value / 1_000_000}M` : value >= 1_000 ? `${value / 1_000}k` : String(value));
const round1 = (value: number) => Math.round(value * 10) / 10;

/** One log-log panel at (x, y) of the given size; points ≤ 0 are left out. */
function panel(chart: LineChart, x: number, y: number, width: number, height: number): string[] {
  const points = chart.series.flatMap((s) => s.points).filter(([px, py]) => px > 0 && py > 0);
  if (points.length === 0) return [`<text x="${x + width / 2}" y="${y + height / 2}" text-anchor="middle" ${FONT}>${escapeXml(chart.title)}: no data</text>`];
  const xTicks = decades(Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0])));
  const yTicks = decades(Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[1])));
  const [left, top] = [x + MARGIN.left, y + MARGIN.top];
  const [w, h] = [width - MARGIN.left - MARGIN.right, height - MARGIN.top - MARGIN.bottom];
  const scale = (ticks: number[], size: number) => (v: number) => {
    const [lo, hi] = [Math.log10(ticks[0]!), Math.log10(ticks.at(-1)!)];
    return ((Math.log10(v) - lo) / (hi - lo)) * size;
  };
  const [sx, sy] = [scale(xTicks, w), scale(yTicks, h)];
  const px = (v: number) => round1(left + sx(v));
  const py = (v: number) => round1(top + h - sy(v));
  const out = [
    `<text x="${x + width / 2}" y="${y + 16}" text-anchor="middle" ${FONT} font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    ...xTicks.flatMap((t) => [
      `<line x1="${px(t)}" y1="${top}" x2="${px(t)}" y2="${top + h}" stroke="#eee"/>`,
      `<text x="${px(t)}" y="${top + h + 16}" text-anchor="middle" ${FONT}>${tickLabel(t)}</text>`,
    ]),
    ...yTicks.flatMap((t) => [
      `<line x1="${left}" y1="${py(t)}" x2="${left + w}" y2="${py(t)}" stroke="#eee"/>`,
      `<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end" ${FONT}>${tickLabel(t)}</text>`,
    ]),
    `<text x="${left + w / 2}" y="${y + height - 8}" text-anchor="middle" ${FONT}>${escapeXml(chart.xLabel)}</text>`,
    `<text x="${x + 14}" y="${top + h / 2}" text-anchor="middle" transform="rotate(-90 ${x + 14} ${top + h / 2})" ${FONT}>${escapeXml(chart.yLabel)}</text>`,
  ];
  chart.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const shown = s.points.filter(([a, b]) => a > 0 && b > 0);
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : '';
    if (shown.length > 1) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${shown.map(([a, b]) => `${px(a)},${py(b)}`).join(' ')}"/>`);
    for (const [a, b] of shown) out.push(`<circle cx="${px(a)}" cy="${py(b)}" r="3" fill="${colour}"/>`);
    const ly = top + 14 + i * 16;
    out.push(`<line x1="${left + 8}" y1="${ly - 4}" x2="${left + 28}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${left + 34}" y="${ly}" ${FONT}>${escapeXml(s.name)}</text>`);
  });
  return out;
}

const svg = (width: number, height: number, body: string[]) =>
  [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`, `<rect width="100%" height="100%" fill="#fff"/>`, ...body, '</svg>', ''].join('\n');

/** Log-log line charts side by side. */
export function lineCharts(charts: readonly LineChart[], panelWidth = 420, height = 320): string {
  return svg(panelWidth * charts.length, height, charts.flatMap((chart, i) => panel(chart, i * panelWidth, 0, panelWidth, height)));
}

export interface RatioBar {
  label: string;
  ratio: number;
}

/** Horizontal bars of value ÷ baseline on a log scale around 1×; bars right of 1× are slower or bigger. */
export function ratioChart(title: string, bars: readonly RatioBar[], width = 860): string {
  const rowHeight = 20;
  const labelWidth = 470;
  const top = 36;
  const height = top + bars.length * rowHeight + 36;
  const ratios = bars.map((bar) => bar.ratio).filter((r) => r > 0);
  const ticks = ratios.length === 0 ? [0.1, 1, 10] : decades(Math.min(1, ...ratios), Math.max(1, ...ratios));
  const [lo, hi] = [Math.log10(ticks[0]!), Math.log10(ticks.at(-1)!)];
  const plotWidth = width - labelWidth - 24;
  const px = (v: number) => round1(labelWidth + ((Math.log10(v) - lo) / (hi - lo)) * plotWidth);
  const out = [
    `<text x="${width / 2}" y="18" text-anchor="middle" ${FONT} font-weight="bold">${escapeXml(title)}</text>`,
    ...ticks.flatMap((t) => [
      `<line x1="${px(t)}" y1="${top - 6}" x2="${px(t)}" y2="${height - 28}" stroke="${t === 1 ? '#333' : '#ddd'}"/>`,
      `<text x="${px(t)}" y="${height - 12}" text-anchor="middle" ${FONT}>${t}×</text>`,
    ]),
  ];
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const label = bar.label.length > 72 ? `${bar.label.slice(0, 71)}…` : bar.label;
    out.push(`<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end" ${FONT}>${escapeXml(label)}</text>`);
    if (!(bar.ratio > 0)) return;
    const [a, b] = [px(Math.min(1, bar.ratio)), px(Math.max(1, bar.ratio))];
    out.push(`<rect x="${a}" y="${y + 3}" width="${round1(Math.max(1, b - a))}" height="${rowHeight - 6}" fill="${bar.ratio >= 1 ? COLOURS[0] : COLOURS[1]}"/>`);
  });
  return svg(width, height, out);
}
