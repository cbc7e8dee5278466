import type { NetworkInterfaceInfo } from 'node:os';
import { ErrorCode, MqttError } from '../../errors.js';
import type { BindInterface } from '../config/basics.js';

function configError(bind: BindInterface, message: string): MqttError {
  return new MqttError(ErrorCode.ConfigError, `${bind.origin.file}:${bind.origin.line}: ${message}`);
}

/**
 * The addresses a `bind_interface` listener binds. Node cannot bind a socket to a device
 * (SO_BINDTODEVICE), so, like mosquitto without root, the listener binds the interface's own
 * addresses: those of one family with socket_domain, and only the listener's address if it has one,
 * which must then be the interface's. IPv6 link-local addresses carry the interface as their scope.
 */
export function interfaceAddresses(
  bind: BindInterface,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  family: 4 | 6 | undefined,
  host?: { name: string; addresses: readonly string[] },
): string[] {
  // mosquitto compares interface names ignoring case.
  const name = Object.keys(interfaces).find((n) => n.toLowerCase() === bind.name.toLowerCase());
  const found = name === undefined ? undefined : interfaces[name];
  if (name === undefined || found === undefined) throw configError(bind, `Interface ${bind.name} does not exist.`);
  const usable = found.filter((a) => family === undefined || a.family === `IPv${family}`);
  const chosen = host === undefined ? usable : usable.filter((a) => host.addresses.includes(a.address));
  if (chosen.length === 0) {
    throw configError(
      bind,
      host === undefined
        ? `Interface ${bind.name} has no ${family === undefined ? '' : `IPv${family} `}address to listen on.`
        : `Interface address for ${bind.name} does not match specified listener address (${host.name}).`,
    );
  }
  return chosen.map((a) => (a.family === 'IPv6' && a.scopeid !== undefined && a.scopeid !== 0 ? `${a.address}%${name}` : a.address));
}
