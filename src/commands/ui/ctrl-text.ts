/** mqt ctrl's words: mosquitto_ctrl's usage texts, its password prompts and `dynsec init`. */
import { ErrorCode, MqttError } from '../../lib/errors.js';
import { writeInitialDynsecFile } from '../../lib/broker/dynsec/initial-config.js';
import { askTwice } from './prompt.js';
import { reportError } from './report.js';

export const CTRL_USAGE = (name: string): string => `Usage: ${name} [connection flags as mqt pub] MODULE COMMAND [ARGS...]
Administers a broker at run time. The one module is dynsec (dynamic security); "${name} dynsec help" lists its commands.
See man mqt-ctrl.
`;

export const DYNSEC_USAGE = (name: string): string => `Usage: ${name} [connection flags] dynsec COMMAND [ARGS...]

A new plugin file with one administrator (no broker needed):
  init FILE ADMIN [[-p] PASSWORD]

Clients:
  createClient USERNAME [-c CLIENTID] [-p PASSWORD]   (asks for the password when -p is left out)
  deleteClient USERNAME            getClient USERNAME          listClients [COUNT [OFFSET]]
  setClientPassword USERNAME [PASSWORD]                        setClientId USERNAME [CLIENTID]
  addClientRole USERNAME ROLENAME [PRIORITY]                   removeClientRole USERNAME ROLENAME
  enableClient USERNAME            disableClient USERNAME

Groups:
  createGroup GROUPNAME            deleteGroup GROUPNAME       getGroup GROUPNAME
  listGroups [COUNT [OFFSET]]
  addGroupRole GROUPNAME ROLENAME [PRIORITY]                   removeGroupRole GROUPNAME ROLENAME
  addGroupClient GROUPNAME USERNAME [PRIORITY]                 removeGroupClient GROUPNAME USERNAME
  setAnonymousGroup GROUPNAME      getAnonymousGroup

Roles:
  createRole ROLENAME              deleteRole ROLENAME         getRole ROLENAME
  listRoles [COUNT [OFFSET]]
  addRoleACL ROLENAME ACLTYPE TOPIC allow|deny [PRIORITY]      removeRoleACL ROLENAME ACLTYPE TOPIC
  ACLTYPE: publishClientSend, publishClientReceive, subscribeLiteral, subscribePattern,
           unsubscribeLiteral or unsubscribePattern

Default access:
  getDefaultACLAccess              setDefaultACLAccess publishClientSend|publishClientReceive|subscribe|unsubscribe allow|deny

The highest PRIORITY is checked first. See man mqt-ctrl.
`;

/**
 * A new password for `username`, asked twice. With `optional` (createClient) an empty answer
 * means no password (''); otherwise it is an error. undefined: nothing is to be sent.
 */
export async function readCtrlPassword(username: string, optional: boolean): Promise<string | undefined> {
  if (optional) process.stdout.write(`Enter new password for ${username}. Press return for no password (user will be unable to login).\n`);
  const answers = await askTwice(`New password for ${username}: `, `Reenter password for ${username}: `);
  if (answers === undefined) return undefined;
  const [password, again] = answers;
  if (password === undefined || again === undefined) {
    if (optional) {
      process.stdout.write('\n');
      return '';
    }
    process.stderr.write('Error: Empty password.\n');
    return undefined;
  }
  if (password !== again) {
    process.stderr.write('Error: Passwords do not match.\n');
    return undefined;
  }
  return password;
}

/**
 * `dynsec init FILE ADMIN [PASSWORD]`: a new file with one admin client; mosquitto_ctrl's exit
 * codes. `-p PASSWORD` is taken for the password too, as createClient takes it.
 */
export async function initDynsec(words: readonly string[], name: string): Promise<number> {
  const args = words.length === 4 && words[2] === '-p' ? [words[0]!, words[1]!, words[3]!] : words;
  if (args.length < 2 || args.length > 3) {
    process.stderr.write(args.length < 2 ? 'dynsec init: Not enough arguments - filename, or admin-user missing.\n' : 'dynsec init: Too many arguments.\n');
    process.stderr.write('Error: Invalid function arguments provided.\n');
    return 3;
  }
  const [file, admin, given] = args as [string, string, string | undefined];
  const password = given ?? (await readCtrlPassword(admin, false));
  if (password === undefined) return 0;
  try {
    await writeInitialDynsecFile(file, admin, password);
  } catch (err) {
    // mosquitto_ctrl exits 0 here too: nothing was sent anywhere.
    if (err instanceof MqttError && err.code === ErrorCode.FileExists) {
      process.stderr.write(`dynsec init: '${file}' already exists. Remove the file or use a different location..\n`);
      return 0;
    }
    return reportError(err, 'ctrl');
  }
  process.stdout.write(`The client '${admin}' has been created in the file '${file}'.
It may use the control API only: it cannot publish to other topics. Add the clients that will, e.g.:
   ${name} -u ${admin} -P PASSWORD dynsec createClient USERNAME
   ${name} -u ${admin} -P PASSWORD dynsec createRole ROLENAME
   ${name} -u ${admin} -P PASSWORD dynsec addRoleACL ROLENAME publishClientSend my/topic allow
   ${name} -u ${admin} -P PASSWORD dynsec addClientRole USERNAME ROLENAME
`);
  return 0;
}
