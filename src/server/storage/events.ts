// tests/main imports the audit trail's store by this path (outside the service's own tests);
// remove this file once they import features/events/store.ts.
export { EventStore } from '../features/events/store.js';
