// A TCP relay between the service and PostgreSQL that a test can freeze: what a network
// partition, or a database too busy to answer, looks like from the service. Frozen, it
// still accepts connections but passes nothing on in either direction (bytes, and a
// side closing, are held until it thaws), so the service sees a database that is there
// and says nothing. Plain JavaScript so scripts/chaos-postgres.mjs can use it too.
import { connect, createServer } from 'node:net';

const HOST = '127.0.0.1';

/**
 * @typedef {object} DbRelay
 * @property {number} port where the service should connect (127.0.0.1)
 * @property {(url: string) => string} urlFor the same database URL, through the relay
 * @property {() => void} freeze holds every byte from now on, and new connections
 * @property {() => void} thaw passes on what was held, then everything again
 * @property {() => boolean} frozen
 * @property {(match: string, options: { deliver: boolean }) => Promise<void>} cutWhen the
 *   next chunk the service sends that contains `match` reaches the database (`deliver`) or
 *   not, and then that connection breaks for both sides: a connection lost with a
 *   statement sent and its answer missing. Resolves when it has happened.
 * @property {() => number} connections connections open through it now
 * @property {() => Promise<void>} close closes the relay and every connection through it
 */

/**
 * @param {{ port: number, host?: string }} target PostgreSQL's address
 * @returns {Promise<DbRelay>}
 */
export async function startRelay(target) {
  let frozen = false;
  /** @type {{ match: Buffer, deliver: boolean, done: () => void } | null} */
  let cut = null;
  /** @type {Set<{ thaw: () => void, destroy: () => void }>} */
  const pairs = new Set();

  const server = createServer((client) => {
    /** @type {import('node:net').Socket | null} */
    let upstream = null;
    /** Held while frozen: [direction, chunk or null for "that side ended"]. */
    /** @type {Array<['up' | 'down', Buffer | null]>} */
    let held = [];
    let connected = false;
    /** Set while a delivered statement's answer is awaited, to be dropped: resolves the cut. */
    /** @type {(() => void) | null} */
    let answerDropped = null;

    const destroy = () => {
      client.destroy();
      upstream?.destroy();
      pairs.delete(pair);
    };
    /** @param {'up' | 'down'} direction @param {Buffer | null} chunk */
    const pass = (direction, chunk) => {
      if (frozen || !connected) {
        held.push([direction, chunk]);
        return;
      }
      if (answerDropped) {
        // The database answered the delivered statement, so it has acted on it: nobody
        // hears the answer, and the connection ends.
        if (direction === 'down') {
          const done = answerDropped;
          answerDropped = null;
          destroy();
          done();
        }
        return;
      }
      if (cut && direction === 'up' && chunk?.includes(cut.match)) {
        // The service loses the connection now. The database gets these bytes (or not);
        // delivered, the connection to it stays open until it answers: closed at once,
        // a reset could discard the statement unread, or a test's next query could
        // overtake it on a fresh connection.
        const { deliver, done } = cut;
        cut = null;
        if (deliver && upstream && !upstream.destroyed) {
          answerDropped = done;
          upstream.write(chunk);
          client.destroy();
          return;
        }
        upstream?.destroy();
        client.destroy();
        pairs.delete(pair);
        done();
        return;
      }
      const to = direction === 'up' ? upstream : client;
      if (chunk === null) to?.end();
      else to?.write(chunk);
    };
    const open = () => {
      upstream = connect(target.port, target.host ?? HOST);
      upstream.on('connect', () => {
        connected = true;
        if (!frozen) flush();
      });
      upstream.on('data', (chunk) => pass('down', chunk));
      upstream.on('end', () => pass('down', null));
      // The database refusing or dropping the connection: the client sees it dropped
      // (once thawed: a partition hides that too).
      upstream.on('error', () => undefined);
      upstream.on('close', closed);
    };
    const closed = () => {
      if (answerDropped) {
        // The database hung up before answering: the statement's fate is its own.
        if (upstream?.destroyed) {
          const done = answerDropped;
          answerDropped = null;
          destroy();
          done();
        }
        return;
      }
      if (!frozen) destroy();
    };
    const flush = () => {
      const queue = held;
      held = [];
      for (const [direction, chunk] of queue) pass(direction, chunk);
    };
    const pair = {
      thaw() {
        if (client.destroyed || upstream?.destroyed) {
          if (connected) flush();
          destroy();
        } else if (upstream === null) open();
        else if (connected) flush();
      },
      destroy,
    };
    pairs.add(pair);
    client.on('data', (chunk) => pass('up', chunk));
    client.on('end', () => pass('up', null));
    client.on('error', () => undefined);
    client.on('close', closed);
    // A connection made while frozen reaches the database only once thawed.
    if (!frozen) open();
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    urlFor(url) {
      const through = new URL(url);
      through.hostname = HOST;
      through.port = String(port);
      return through.href;
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const pair of [...pairs]) pair.thaw();
    },
    frozen: () => frozen,
    cutWhen(match, { deliver }) {
      return new Promise((done) => {
        cut = { match: Buffer.from(match), deliver, done: () => done(undefined) };
      });
    },
    connections: () => pairs.size,
    close() {
      frozen = false;
      for (const pair of [...pairs]) pair.destroy();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
