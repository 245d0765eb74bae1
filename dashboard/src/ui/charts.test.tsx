// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LineChart } from './charts';

afterEach(cleanup);

const pathOf = (el: Element, cls: string) => el.querySelector(`path.${cls}`)?.getAttribute('d') ?? '';

describe('LineChart', () => {
  it('draws a fresh room (one sample of 0 viewers) as a flat line across, and says its peak is 0', () => {
    render(<LineChart series={[{ t: 1000, v: 0 }]} label="Viewers over time" />);
    const svg = screen.getByRole('img');
    expect(svg.getAttribute('aria-label')).toBe('Viewers over time: now 0, peak 0');
    expect(pathOf(svg, 'line')).toBe('M0.0,100.0 L300.0,100.0');
    expect(screen.getByText('Now 0, peak 0')).toBeTruthy();
  });

  it('scales a series to its peak over its time span', () => {
    render(
      <LineChart
        series={[
          { t: 0, v: 1 },
          { t: 50, v: 4 },
          { t: 100, v: 2 },
        ]}
        label="Viewers over time"
      />,
    );
    const svg = screen.getByRole('img');
    expect(svg.getAttribute('aria-label')).toBe('Viewers over time: now 2, peak 4');
    expect(pathOf(svg, 'line')).toBe('M0.0,77.0 L150.0,8.0 L300.0,54.0');
  });

  it('says there is nothing before the first sample', () => {
    render(<LineChart series={[]} label="Viewers over time" />);
    expect(screen.getByText('No data yet.')).toBeTruthy();
  });
});
