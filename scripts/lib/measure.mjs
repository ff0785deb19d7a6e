// What the benchmarks measure with and how they summarise it: medians and percentiles,
// a process's CPU time and resident set from /proc, and timed sequential requests.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux for every architecture Node supports

export const sum = (/** @type {number[]} */ values) => values.reduce((a, b) => a + b, 0);

/** The middle value; for an even count, the mean of the two middle ones. */
export const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The nearest-rank percentile `p` (0–100). */
export const percentile = (/** @type {number[]} */ values, /** @type {number} */ p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** Fields after the command name in /proc/<pid>/stat (index 0 is field 3, the state). */
function statFields(/** @type {number | string} */ pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds of a process so far (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(/** @type {number} */ pid) {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** A process and all its descendants (PostgreSQL forks a backend per connection). */
export function processTree(/** @type {number} */ root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parent = Number(statFields(name)[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // ended while we looked
    }
  }
  const tree = [];
  for (const queue = [root]; queue.length;) {
    const pid = /** @type {number} */ (queue.shift());
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * CPU seconds of a process tree: every live member, plus what the root has collected from
 * children that ended (fields 16 and 17), so a backend that exits mid-run is not lost.
 */
export function treeCpuSeconds(/** @type {number} */ root) {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      total += cpuSeconds(pid);
      if (pid === root) {
        const fields = statFields(pid);
        total += (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
      }
    } catch {
      // ended while we looked
    }
  }
  return total;
}

/** Peak and current resident set of this process, in bytes, as the kernel counts them. */
export function residentSet() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (/** @type {string} */ field) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

/**
 * Times `samples` sequential authenticated GETs of `url` after 10 that warm up, each until
 * its whole body has arrived: the times in ms and the first answer, parsed.
 * @param {string} url @param {string} token @param {number} samples
 */
export async function timeGets(url, token, samples) {
  const times = [];
  let first;
  for (let i = 0; i < samples + 10; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    const elapsed = performance.now() - t0; // until the whole body has arrived
    if (response.status !== 200) {
      const { pathname, search } = new URL(url);
      throw new Error(`GET ${pathname}${search} → ${response.status}: ${body}`);
    }
    if (i === 0) first = JSON.parse(body);
    if (i >= 10) times.push(elapsed); // the first 10 warm up
  }
  return { times, first };
}
