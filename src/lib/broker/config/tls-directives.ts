import type { Directive, DirectiveContext } from './directive.js';
import { once } from './rows.js';
import type { ConfFile, TlsSection } from './tls-types.js';
import { DirectiveError, bool, oneOf, text, word } from './values.js';

/** The TLS settings of the listener being read, created by its first TLS directive. */
function tlsOf(ctx: DirectiveContext): TlsSection {
  return (ctx.listener.tls ??= {});
}

type FileKey = 'cafile' | 'capath' | 'certfile' | 'keyfile' | 'crlfile' | 'dhparamfile';

function fileDirective(name: FileKey, value: string): Directive {
  return {
    name,
    scope: 'listener',
    value,
    apply: (ctx, args) => {
      const tls = tlsOf(ctx);
      const file: ConfFile = { path: text(name, args), origin: ctx.origin };
      tls[name] = once(name, tls[name], file);
    },
  };
}

type FlagKey = 'requireCertificate' | 'useIdentityAsUsername' | 'useSubjectAsUsername';

function flagDirective(name: string, key: FlagKey): Directive {
  return {
    name,
    scope: 'listener',
    value: 'true | false',
    apply: (ctx, args) => {
      tlsOf(ctx)[key] = bool(name, args);
    },
  };
}

/** An OpenSSL cipher list: one word, as mosquitto reads it. */
function cipherDirective(name: string, key: 'ciphers' | 'ciphersTls13'): Directive {
  return {
    name,
    scope: 'listener',
    value: 'LIST',
    apply: (ctx, args) => {
      const tls = tlsOf(ctx);
      tls[key] = once(name, tls[key], word(name, args));
      tls.ciphersOrigin = ctx.origin;
    },
  };
}

/** cafile ... psk_hint, listener settings as in mosquitto 2.0; psk_file follows per_listener_settings. */
export const TLS_DIRECTIVES: readonly Directive[] = [
  fileDirective('cafile', 'FILE'),
  fileDirective('capath', 'DIR'),
  fileDirective('certfile', 'FILE'),
  fileDirective('keyfile', 'FILE'),
  fileDirective('crlfile', 'FILE'),
  fileDirective('dhparamfile', 'FILE'),
  {
    name: 'tls_keyform',
    scope: 'listener',
    value: 'pem',
    apply: (_ctx, args) => {
      if (oneOf('tls_keyform', args, ['pem', 'engine'] as const) === 'engine') {
        throw new DirectiveError('tls_keyform engine needs an OpenSSL engine (tls_engine), which mqt serve does not support: give keyfile in PEM.');
      }
    },
  },
  flagDirective('require_certificate', 'requireCertificate'),
  flagDirective('use_identity_as_username', 'useIdentityAsUsername'),
  flagDirective('use_subject_as_username', 'useSubjectAsUsername'),
  {
    name: 'tls_version',
    scope: 'listener',
    value: 'tlsv1.3 | tlsv1.2 | tlsv1.1',
    apply: (ctx, args) => {
      tlsOf(ctx).tlsVersion = oneOf('tls_version', args, ['tlsv1.3', 'tlsv1.2', 'tlsv1.1'] as const);
    },
  },
  cipherDirective('ciphers', 'ciphers'),
  cipherDirective('ciphers_tls1.3', 'ciphersTls13'),
  {
    name: 'psk_hint',
    scope: 'listener',
    value: 'HINT',
    apply: (ctx, args) => {
      const tls = tlsOf(ctx);
      tls.pskHint = once('psk_hint', tls.pskHint, text('psk_hint', args));
      tls.pskHintOrigin = ctx.origin;
    },
  },
  {
    name: 'psk_file',
    scope: 'security',
    value: 'FILE',
    apply: (ctx, args) => {
      ctx.security.pskFile = once('psk_file', ctx.security.pskFile, { path: text('psk_file', args), origin: ctx.origin });
    },
  },
];
