import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerJob } from '../../lib/bench/messages.js';
import { runWorker } from '../../lib/bench/worker.js';
import { errorMessage } from '../ui/report.js';

/** The entry point of each `mqt bench` worker thread (its own bundle, started by the command). */
if (parentPort !== null) void runWorker(parentPort, workerData as WorkerJob, errorMessage);
