import { describe, expect, it } from 'vitest';
import {
  isTrustedSender,
  type IpcSenderEvent,
  type OurWindow,
  type SenderFrame,
} from '../../src/main/ipc/trusted-sender.js';

const appPage = 'app://token-desk/index.html';
const devPage = 'http://localhost:5173/';

/** Our window as the glue sees it: webContents 7, its main frame is process 3, routing id 1. */
function ourWindow(pageUrl = appPage): OurWindow {
  return { webContentsId: 7, mainFrame: { processId: 3, routingId: 1 }, pageUrl };
}

function mainFrame(url: string): SenderFrame {
  return { url, parent: null, processId: 3, routingId: 1 };
}

function event(frame: SenderFrame | null, webContentsId = 7): IpcSenderEvent {
  return { sender: { id: webContentsId }, senderFrame: frame };
}

describe('isTrustedSender', () => {
  it("accepts our window's main frame showing our page, on any path or hash", () => {
    expect(isTrustedSender(event(mainFrame(appPage)), ourWindow())).toBe(true);
    expect(isTrustedSender(event(mainFrame(`${appPage}#/settings`)), ourWindow())).toBe(true);
    expect(isTrustedSender(event(mainFrame('app://token-desk/')), ourWindow())).toBe(true);
    expect(
      isTrustedSender(event(mainFrame('http://localhost:5173/index.html')), ourWindow(devPage)),
    ).toBe(true);
  });

  it('refuses everything before our window exists', () => {
    expect(isTrustedSender(event(mainFrame(appPage)), null)).toBe(false);
  });

  it('refuses another webContents, even one showing our page in its main frame', () => {
    expect(isTrustedSender(event(mainFrame(appPage), 8), ourWindow())).toBe(false);
  });

  it('refuses subframes, other frames of our window and missing frames', () => {
    const subframe = { ...mainFrame(appPage), parent: mainFrame(appPage), routingId: 2 };
    expect(isTrustedSender(event(subframe), ourWindow())).toBe(false);
    expect(isTrustedSender(event({ ...mainFrame(appPage), parent: {} }), ourWindow())).toBe(false);
    // A frame that claims to be top-level but is not our window's main frame.
    expect(isTrustedSender(event({ ...mainFrame(appPage), routingId: 9 }), ourWindow())).toBe(
      false,
    );
    expect(isTrustedSender(event({ ...mainFrame(appPage), processId: 4 }), ourWindow())).toBe(
      false,
    );
    expect(isTrustedSender(event(null), ourWindow())).toBe(false);
  });

  it('refuses our main frame once it shows a page that is not ours (app://evil/, file://, the web)', () => {
    for (const url of [
      'app://evil/index.html',
      'app://app.evil/index.html',
      'app://token-desk.evil.example/index.html',
      'app://evil.token-desk/index.html',
      'app://token-deskx/index.html',
      'app://token-desk:8080/index.html',
      'app://user@token-desk/index.html',
      'app:token-desk/index.html',
      'app:///index.html',
      'file:///opt/token-desk/out/renderer/index.html',
      'file://token-desk/index.html',
      'https://token-desk/index.html',
      'https://evil.example/app://token-desk/index.html',
      'about:blank',
      'data:text/html,<p>app://token-desk/</p>',
      'not a url',
      '',
    ]) {
      expect(isTrustedSender(event(mainFrame(url)), ourWindow()), url).toBe(false);
    }
  });

  it('compares parsed origins for the dev server, not string prefixes', () => {
    for (const url of [
      'http://localhost:5173.evil.example/',
      'http://localhost:51730/',
      'https://localhost:5173/',
      'http://localhost@evil.example:5173/',
      'http://127.0.0.1:5173/',
    ]) {
      expect(isTrustedSender(event(mainFrame(url)), ourWindow(devPage)), url).toBe(false);
    }
  });

  it('never trusts a file:// page, even when that is what the window was given', () => {
    const filePage = 'file:///opt/token-desk/out/renderer/index.html';
    expect(isTrustedSender(event(mainFrame(filePage)), ourWindow(filePage))).toBe(false);
  });
});
