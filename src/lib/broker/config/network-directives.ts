import type { Directive } from './directive.js';
import { DirectiveError, INT_MAX, int, text, word } from './values.js';

const INT_MIN = -2_147_483_648;
/** mosquitto stores websockets_headers_size in 16 bits. */
const MAX_HEADERS_SIZE = 65_535;

/** bind_interface, http_dir and the websockets tuning of mosquitto 2.0; listener settings except the last two, which are global. */
export const NETWORK_DIRECTIVES: readonly Directive[] = [
  {
    name: 'bind_interface',
    scope: 'listener',
    value: 'INTERFACE',
    apply: (ctx, args) => {
      ctx.listener.bindInterface = { name: word('bind_interface', args), origin: ctx.origin };
    },
  },
  {
    name: 'http_dir',
    scope: 'listener',
    value: 'DIR',
    apply: (ctx, args) => {
      ctx.listener.httpDir = { path: text('http_dir', args), origin: ctx.origin };
    },
  },
  {
    name: 'websockets_headers_size',
    scope: 'global',
    value: 'BYTES',
    apply: (ctx, args) => {
      const size = int('websockets_headers_size', args, INT_MIN, INT_MAX);
      if (size < 0 || size > MAX_HEADERS_SIZE) throw new DirectiveError(`Websockets headers size must be between 0 and ${MAX_HEADERS_SIZE} inclusive.`);
      ctx.conf.websocketsHeadersSize = size;
    },
  },
  {
    // mqt's own: mosquitto has no web console, and refuses a config with this line.
    name: 'web_console',
    scope: 'global',
    value: 'PORT [ADDRESS]',
    apply: (ctx, args) => {
      const [port, address, ...rest] = args.split(/\s+/).filter((w) => w !== '');
      if (rest.length > 0 && !rest[0]!.startsWith('#')) throw new DirectiveError(`Unexpected "${rest.join(' ')}" after the web_console address.`);
      const number = int('web_console', port ?? '', 1, 65_535);
      ctx.conf.webConsole = { port: number, ...(address === undefined || address.startsWith('#') ? {} : { address }) };
    },
  },
  {
    name: 'websockets_log_level',
    scope: 'global',
    value: 'LEVEL',
    apply: (_ctx, args) => {
      // libwebsockets' own log: mqt's WebSocket library has none to tune.
      int('websockets_log_level', args, INT_MIN, INT_MAX);
    },
  },
];
