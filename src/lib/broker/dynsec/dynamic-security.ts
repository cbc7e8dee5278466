/**
 * mosquitto's dynamic security plugin, built in: logins, access checks and the control API on
 * $CONTROL/dynamic-security/v1, over the plugin's JSON file, which is written again (atomically,
 * 0600) after every change, in the order the changes were made.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode, MqttError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { fileError } from '../../fs/file-errors.js';
import { mayWriteDollar } from '../auth/authorizer.js';
import type { BrokerAuth, ConnectionInfo, ControlAnswer } from '../types.js';
import { isAllowed, type Access, type Subject } from './acl-check.js';
import { parseDynsecFile, printDynsecFile } from './config-file.js';
import { runControl } from './control.js';
import type { DynsecData } from './model.js';
import { passwordMatches } from './password.js';

export const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
export const RESPONSE_TOPIC = '$CONTROL/dynamic-security/v1/response';

export class DynamicSecurity implements BrokerAuth {
  /** A write of the file failed; the broker logs it and goes on with what it holds in memory. */
  onSaveError: (err: MqttError) => void = () => undefined;
  /** The write under way, if any. */
  private writing: Promise<void> | undefined;
  /** The write to make after it: the latest data, standing for every change made meanwhile. */
  private next: { text: string; readonly done: Promise<void>; readonly resolve: () => void } | undefined;

  private constructor(
    readonly path: string,
    private readonly data: DynsecData,
  ) {}

  /**
   * Reads plugin_opt_config_file; a missing, unreadable or broken file is an error. Synchronous,
   * as the other security files are, so the broker never handles a client before it is read.
   */
  static load(path: string): DynamicSecurity {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw fileError(err, `Unable to open dynamic security plugin config ${path}`);
    }
    return new DynamicSecurity(path, parseDynsecFile(text, path));
  }

  /**
   * As the plugin: a client without a username (allow_anonymous decides), without a password or
   * unknown to the file is not let in by it; a disabled client, one with another client id than
   * the one set for it, or a wrong password is refused.
   */
  authenticate(login: { clientId: string; username?: string; password?: Buffer; connection: ConnectionInfo }): boolean {
    const client = login.username === undefined ? undefined : this.data.clients.get(login.username);
    if (client === undefined || login.password === undefined) return login.username === undefined && login.connection.listener.settings.allowAnonymous;
    if (client.disabled) return false;
    if (client.clientid !== undefined && client.clientid !== login.clientId) return false;
    return client.password !== undefined && passwordMatches(client.password, login.password);
  }

  private allowed(access: Access, client: Subject, topic: string): boolean {
    return isAllowed(this.data, access, client, topic);
  }

  canRead(client: Subject, topic: string): boolean {
    return !topic.startsWith('$share') && this.allowed('publishClientReceive', client, topic);
  }

  canWrite(client: Subject, topic: string): boolean {
    return mayWriteDollar(topic) && this.allowed('publishClientSend', client, topic);
  }

  canSubscribe(client: Subject, filter: string): boolean {
    return this.allowed('subscribe', client, filter);
  }

  canUnsubscribe(client: Subject, filter: string): boolean {
    return this.allowed('unsubscribe', client, filter);
  }

  control(admin: Subject, topic: string, payload: Buffer): ControlAnswer | undefined {
    if (topic !== CONTROL_TOPIC) return undefined;
    const { response, effects, logLines } = runControl(this.data, payload, admin);
    return {
      logLines,
      response: { topic: RESPONSE_TOPIC, payload: Buffer.from(response) },
      kicks: effects.kicks,
      ...(effects.changed ? { saved: this.save() } : {}),
    };
  }

  /** Resolves once every change made so far is on disk (or failed to be). */
  async flushed(): Promise<void> {
    await (this.next?.done ?? this.writing);
  }

  /**
   * Writes the data as it is now, after the write under way; resolves once written (a failure is
   * reported, not thrown). Changes made during a write share the next one, so however fast they
   * come, at most two copies of the file are held.
   */
  private save(): Promise<void> {
    const text = printDynsecFile(this.data);
    if (this.next !== undefined) {
      this.next.text = text;
      return this.next.done;
    }
    let resolve: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolve = r));
    this.next = { text, done, resolve };
    if (this.writing === undefined) this.writeNext();
    return done;
  }

  private writeNext(): void {
    const job = this.next;
    this.next = undefined;
    if (job === undefined) {
      this.writing = undefined;
      return;
    }
    this.writing = writeFileAtomic(this.path, job.text, { overwrite: true, private: true })
      .catch((err: unknown) => {
        this.onSaveError(err instanceof MqttError ? err : new MqttError(ErrorCode.FileError, `Unable to save dynamic security plugin config ${this.path}.`, { cause: err }));
      })
      .then(() => {
        job.resolve();
        this.writeNext();
      });
  }
}
