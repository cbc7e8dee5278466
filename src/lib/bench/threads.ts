import { Worker } from 'node:worker_threads';
import type { FromWorker } from './messages.js';
import type { SpawnWorker } from './runner.js';

/** Runs each share of the load in a worker thread of its own, from the worker bundle `file`. */
export function threadSpawner(file: string): SpawnWorker {
  return (job) => {
    const worker = new Worker(file, { workerData: job });
    let crash: Error | undefined;
    worker.on('error', (err) => (crash = err));
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', (message: FromWorker) => listener(message)),
      onExit: (listener) => worker.on('exit', () => listener(crash)),
      terminate: () => void worker.terminate(),
    };
  };
}
