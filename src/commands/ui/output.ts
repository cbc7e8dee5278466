/**
 * Batched stdout: a subscriber receiving thousands of messages a second writes once per burst,
 * not once per message (mosquitto_sub's per-message flush is its bottleneck). Order is kept
 * between debug lines and messages because both go through here.
 */
export class Output {
  private parts: Buffer[] = [];
  private scheduled = false;
  private broken = false;

  constructor(
    private readonly stream: NodeJS.WritableStream = process.stdout,
    private readonly onError: (err: NodeJS.ErrnoException) => void = () => undefined,
  ) {
    stream.on('error', this.failed);
  }

  /** The first write error only: a failed write reaches both its callback and the 'error' event. */
  private readonly failed = (err: NodeJS.ErrnoException): void => {
    if (this.broken) return;
    this.broken = true;
    this.onError(err);
  };

  /** True once writing failed, e.g. the reader went away (`| head -1`, EPIPE). */
  get isBroken(): boolean {
    return this.broken;
  }

  write(bytes: Buffer): void {
    if (this.broken) return;
    this.parts.push(bytes);
    this.schedule();
  }

  /** Hands out the pending list so a renderer can append several pieces without copies. */
  pending(): Buffer[] {
    this.schedule();
    return this.parts;
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  line(text: string): void {
    this.write(Buffer.from(`${text}\n`));
  }

  /**
   * Writes what is pending and resolves when the stream has taken it. A failure is reported before
   * this resolves, so a command that exits right after knows the last message was lost.
   */
  readonly flush = (): Promise<void> => {
    this.scheduled = false;
    if (this.parts.length === 0 || this.broken) return Promise.resolve();
    const data = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    return new Promise((resolve) => {
      this.stream.write(data, (err) => {
        if (err) this.failed(err);
        resolve();
      });
    });
  };
}
