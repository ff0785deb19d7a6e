import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../src/main/ipc/trusted-sender.js';

const fileApp = 'file:///opt/token-desk/out/renderer/index.html';
const devApp = 'http://localhost:5173/';

describe('isTrustedSender', () => {
  it("accepts our own window's main frame", () => {
    expect(isTrustedSender({ url: fileApp, parent: null }, fileApp)).toBe(true);
    expect(isTrustedSender({ url: `${fileApp}#/settings`, parent: null }, fileApp)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/index.html', parent: null }, devApp)).toBe(
      true,
    );
  });

  it('refuses subframes, missing frames and other pages', () => {
    expect(isTrustedSender({ url: fileApp, parent: {} }, fileApp)).toBe(false);
    expect(isTrustedSender(null, fileApp)).toBe(false);
    expect(isTrustedSender(undefined, fileApp)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, fileApp)).toBe(false);
    expect(
      isTrustedSender(
        { url: 'file://evil-host/opt/token-desk/out/renderer/index.html', parent: null },
        fileApp,
      ),
    ).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', parent: null }, fileApp)).toBe(false);
  });

  it('compares parsed origins, not string prefixes', () => {
    expect(
      isTrustedSender({ url: 'http://localhost:5173.evil.example/', parent: null }, devApp),
    ).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:51730/', parent: null }, devApp)).toBe(false);
    expect(isTrustedSender({ url: 'https://localhost:5173/', parent: null }, devApp)).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null }, devApp)).toBe(false);
  });
});
