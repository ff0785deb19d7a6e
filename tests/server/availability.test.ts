import { describe, expect, it } from 'vitest';
import {
  Availability,
  DatabaseUnavailableError,
  RECOVERY_SUCCESSES,
} from '../../src/server/storage/availability.js';

const lost = new DatabaseUnavailableError('unreachable', 'not_applied', 'Connection terminated');
const timedOut = new DatabaseUnavailableError('timeout', 'not_applied', 'no answer');

/** An Availability whose reports are kept as words. */
function tracker() {
  const reports: string[] = [];
  const availability = new Availability({
    unavailable: (failure) => reports.push(`down ${failure}`),
    available: (_ms, refused) => reports.push(`up after ${refused}`),
  });
  return { availability, reports };
}

function recover(availability: Availability, connectedDuring = availability.outages) {
  for (let i = 0; i < RECOVERY_SUCCESSES; i++) availability.succeeded(false, connectedDuring);
}

describe('Availability: one report per outage', () => {
  it('reports the first failure and the end once, counting what failed between', () => {
    const { availability, reports } = tracker();
    availability.failed(lost, true, 0);
    availability.failed(lost, true, 0);
    recover(availability);
    expect(reports).toEqual(['down unreachable', 'up after 2']);
  });

  it('a connection the last outage took, found dead after it ended, is not a second outage', () => {
    const { availability, reports } = tracker();
    availability.failed(lost, true, 0); // outage 1 takes the connections made before it
    recover(availability); // on connections made during it
    availability.failed(lost, true, 0); // an idle one from before, noticed late
    expect(reports).toEqual(['down unreachable', 'up after 1']);
    expect(availability.reachable).toBe(true);
  });

  it('a connection made since the last outage, lost, is a new outage', () => {
    const { availability, reports } = tracker();
    availability.failed(lost, true, 0);
    recover(availability);
    availability.failed(lost, true, availability.outages);
    expect(reports).toEqual(['down unreachable', 'up after 1', 'down unreachable']);
  });

  it('a failure to connect at all (no connection to date) is a new outage', () => {
    const { availability, reports } = tracker();
    availability.failed(lost, true, 0);
    recover(availability);
    availability.failed(lost, false);
    expect(reports).toEqual(['down unreachable', 'up after 1', 'down unreachable']);
  });

  it('after an outage that lost no connection (a timeout), an old connection lost is a new outage', () => {
    const { availability, reports } = tracker();
    availability.failed(timedOut, false, 0);
    recover(availability);
    availability.failed(lost, true, 0);
    expect(reports).toEqual(['down timeout', 'up after 1', 'down unreachable']);
  });
});
