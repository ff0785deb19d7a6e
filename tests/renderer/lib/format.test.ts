import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/shared/time';
import {
  durationWords,
  formatRelative,
  placesLabel,
  placesWord,
} from '../../../src/renderer/src/lib/format';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('format', () => {
  it('says relative times in the largest unit that reads well', () => {
    expect(formatRelative(at(10_000), NOW)).toBe('just now');
    expect(formatRelative(at(-5 * 60_000), NOW)).toBe('5 minutes ago');
    expect(formatRelative(at(3 * 3_600_000), NOW)).toBe('in 3 hours');
    expect(formatRelative(at(30 * DAY_MS), NOW)).toBe('in 30 days');
    expect(formatRelative(at(-90 * DAY_MS), NOW)).toBe('3 months ago');
    expect(formatRelative(at(2 * 365 * DAY_MS), NOW)).toBe('in 2 years');
  });

  it('counts places', () => {
    expect(placesWord(1)).toBe('1 place');
    expect(placesWord(3)).toBe('3 places');
    expect(placesLabel(1)).toBe('Used in 1 place');
    expect(placesLabel(2)).toBe('Used in 2 places');
  });

  it('says a grace period in whole days, hours or minutes', () => {
    expect(durationWords(86_400)).toBe('1 day');
    expect(durationWords(2 * 86_400)).toBe('2 days');
    expect(durationWords(3600)).toBe('1 hour');
    expect(durationWords(5400)).toBe('90 minutes');
    expect(durationWords(60)).toBe('1 minute');
  });
});
