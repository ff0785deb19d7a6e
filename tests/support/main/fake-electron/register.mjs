// `node --import ./register.mjs <built main>`: installs the loader hooks before the app loads.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
