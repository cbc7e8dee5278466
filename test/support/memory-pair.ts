export { memoryPipe as memoryPair } from '../../src/lib/transport/memory-pipe.js';
