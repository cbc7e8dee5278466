import type { OptionGroup } from './spec.js';

export const commonOptions: OptionGroup = {
  title: 'Output and help',
  options: [
    { key: 'debug', flags: ['-d', '--debug'], arity: 0, describe: 'print every packet sent and received, as mosquitto does' },
    { key: 'quiet', flags: ['--quiet'], arity: 0, describe: 'print no runtime error or warning messages' },
    { key: 'help', flags: ['--help'], arity: 0, endsReading: true, describe: 'show this help (-h is the host, as in mosquitto)' },
    { key: 'version', flags: ['--version'], arity: 0, endsReading: true, describe: 'print the mqt version' },
  ],
};
