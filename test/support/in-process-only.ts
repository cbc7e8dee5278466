import { IN_PROCESS_ONLY } from './spawn.js';

// Required by .mocharc.unit.json, in the main process and in every parallel worker.
process.env[IN_PROCESS_ONLY] = '1';
