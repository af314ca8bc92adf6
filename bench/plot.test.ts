import { describe, expect, it } from 'vitest';
import { decades, escapeXml, lineCharts, ratioChart } from './plot.ts';

describe('plots', () => {
  it('spans whole decades', () => {
    expect(decades(7, 999)).toEqual([1, 10, 100, 1_000]);
    expect(decades(100, 100)).toEqual([100, 1_000]);
    expect(decades(0.08, 22)).toEqual([0.01, 0.1, 1, 10, 100]);
    expect(decades(0.00048, 1)).toEqual([0.0001, 0.001, 0.01, 0.1, 1]);
  });

  it('escapes text for XML', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('draws one polyline and one marker per point of each series, log-log', () => {
    const svg = lineCharts([
      {
        title: 'Links <per> bee',
        xLabel: 'bees',
        yLabel: 'links',
        series: [
          { name: 'mean', points: [[100, 7], [1_000, 7.3]] },
          { name: 'full mesh', points: [[100, 99], [1_000, 999]], dashed: true },
          { name: 'nothing', points: [[100, 0]] },
        ],
      },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('Links &lt;per&gt; bee');
    expect(svg).not.toContain('NaN');
  });

  it('says so when a chart has nothing to draw', () => {
    expect(lineCharts([{ title: 'Empty', xLabel: 'x', yLabel: 'y', series: [] }])).toContain('Empty: no data');
  });

  it('draws a bar per measured ratio and a label for every figure', () => {
    const svg = ratioChart('ratios', [
      { label: 'slower', ratio: 22 },
      { label: 'faster', ratio: 0.08 },
      { label: 'not measured', ratio: 0 },
    ]);
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('not measured');
    expect(svg).toContain('>1×<');
    expect(svg).not.toContain('NaN');
  });
});
