/** See in-page.mjs: functions the specs run inside the page. */
export function timeCountChange(request: {
  action: 'filter' | 'search';
  text: string;
}): Promise<number>;
export function pageStorage(): Promise<string>;
