import type { ClipboardPort } from '../../src/main/ports.js';

/** Stands in for Electron's clipboard, which cannot run here. */
export class MemoryClipboard implements ClipboardPort {
  text = '';
  concealed = false;
  async readText() {
    return this.text;
  }
  async writeText(text: string) {
    this.text = text;
    this.concealed = false;
  }
  async writeSecret(text: string) {
    this.text = text;
    this.concealed = true;
  }
  clear() {
    this.text = '';
    this.concealed = false;
  }
}
