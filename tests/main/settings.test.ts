import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confStore } from '../support/main/conf-store.js';
import { DEFAULT_SETTINGS, SettingsService } from '../../src/main/services/settings.js';

const store = confStore;

describe('SettingsService on conf (what electron-store wraps)', () => {
  it('starts from defaults: the local service, 30 s clipboard delay, the system theme, 1 h rotation grace, expiry reminders on', () => {
    expect(new SettingsService(store().conf).get()).toEqual({
      serviceUrl: 'http://127.0.0.1:4780',
      clipboardClearSeconds: 30,
      theme: 'system',
      rotationGraceSeconds: 3600,
      expiryReminders: true,
    });
    expect(DEFAULT_SETTINGS.clipboardClearSeconds).toBe(30);
  });

  it('persists updates across instances and normalizes the service URL', () => {
    const { dir, conf } = store();
    new SettingsService(conf).update({
      serviceUrl: ' https://tokens.example.test/ ',
      clipboardClearSeconds: 45,
      theme: 'dark',
    });
    const again = new SettingsService(store(dir).conf);
    expect(again.get()).toEqual({
      serviceUrl: 'https://tokens.example.test',
      clipboardClearSeconds: 45,
      theme: 'dark',
      rotationGraceSeconds: 3600,
      expiryReminders: true,
    });
  });

  it('refuses bad values with a sentence and keeps the old ones', () => {
    const settings = new SettingsService(store().conf);
    expect(() => settings.update({ serviceUrl: 'ftp://x' })).toThrow(
      'must start with http:// or https://',
    );
    expect(() => settings.update({ serviceUrl: 'http://user:pw@host' })).toThrow(
      'must not contain a user name',
    );
    expect(() => settings.update({ clipboardClearSeconds: 2 })).toThrow('from 5 to 600');
    expect(() => settings.update({ rotationGraceSeconds: 604_801 })).toThrow(
      'The rotation grace period must be a whole number of seconds from 300 (5 minutes) to 604800 (7 days).',
    );
    expect(() => settings.update({ rotationGraceSeconds: 299 })).toThrow('rotation grace period');
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(settings.update({ rotationGraceSeconds: 604_800 }).rotationGraceSeconds).toBe(604_800);
  });

  it('falls back to defaults when the file was edited into nonsense', () => {
    const { dir, conf } = store();
    new SettingsService(conf).update({ theme: 'light' });
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ settings: { theme: 'neon', clipboardClearSeconds: 'x' } }),
    );
    expect(new SettingsService(store(dir).conf).get()).toEqual(DEFAULT_SETTINGS);
    writeFileSync(join(dir, 'settings.json'), '{ broken json');
    expect(new SettingsService(store(dir).conf).get()).toEqual(DEFAULT_SETTINGS);
  });

  describe("a service URL for this run only (npm start's TOKEN_DESK_SERVICE_URL)", () => {
    const saved = () => ({
      serviceUrl: 'https://tokens.example.test',
      clipboardClearSeconds: 45,
      theme: 'dark' as const,
      rotationGraceSeconds: 3600,
      expiryReminders: true,
    });

    it('get() reflects it, the settings file never holds it', () => {
      const { dir, conf } = store();
      new SettingsService(conf).update(saved());
      const settings = new SettingsService(store(dir).conf);
      settings.overrideForThisRun({ serviceUrl: 'http://127.0.0.1:4999/' });
      expect(settings.get()).toEqual({ ...saved(), serviceUrl: 'http://127.0.0.1:4999' });

      // Changing something else this run saves that change, not the run's URL.
      expect(settings.update({ theme: 'light' })).toEqual({
        ...saved(),
        theme: 'light',
        serviceUrl: 'http://127.0.0.1:4999',
      });
      expect(new SettingsService(store(dir).conf).get()).toEqual({ ...saved(), theme: 'light' });
      expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain('4999');
    });

    it('a URL the user picks this run wins over it and is saved', () => {
      const { dir, conf } = store();
      const settings = new SettingsService(conf);
      settings.overrideForThisRun({ serviceUrl: 'http://127.0.0.1:4999' });
      expect(settings.update({ serviceUrl: 'https://mine.example.test' }).serviceUrl).toBe(
        'https://mine.example.test',
      );
      expect(settings.get().serviceUrl).toBe('https://mine.example.test');
      expect(new SettingsService(store(dir).conf).get().serviceUrl).toBe(
        'https://mine.example.test',
      );
    });

    it('a bad one is refused with a sentence naming where it came from', () => {
      const settings = new SettingsService(store().conf);
      expect(() =>
        settings.overrideForThisRun({ serviceUrl: 'ftp://x' }, 'TOKEN_DESK_SERVICE_URL'),
      ).toThrow(/TOKEN_DESK_SERVICE_URL .*must start with http:\/\/ or https:\/\//);
      expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    });

    it('tells subscribers about every change, including the theme', () => {
      const settings = new SettingsService(store().conf);
      const seen: string[] = [];
      const unsubscribe = settings.onChange((next) => seen.push(next.theme));
      settings.update({ theme: 'dark' });
      settings.update({ theme: 'light' });
      unsubscribe();
      settings.update({ theme: 'system' });
      expect(seen).toEqual(['dark', 'light']);
    });
  });
});
