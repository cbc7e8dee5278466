/**
 * The publisher pause graph. A publisher whose subscribers cannot keep up (a full socket, a long
 * queue) stops being read and waits for each of them; it is read again once the last one it
 * waits for has drained. Resumed early, a publisher feeding several subscribers would push the one
 * still backlogged past max_queued_messages.
 */
export class PauseEdges {
  /** Publishers waiting for this client. */
  private readonly waiting = new Set<PauseEdges>();
  /** The clients this publisher waits for. */
  private readonly blockers = new Set<PauseEdges>();

  /** `unblocked`: the last client this publisher waited for has drained. */
  constructor(private readonly unblocked: () => void) {}

  /** This publisher waits for `target` too. */
  waitFor(target: PauseEdges): void {
    target.waiting.add(this);
    this.blockers.add(target);
  }

  /** This client drained: the publishers that waited for it go on, unless they still wait for another. */
  release(): void {
    if (this.waiting.size === 0) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const publisher of waiting) {
      publisher.blockers.delete(this);
      if (publisher.blockers.size === 0) publisher.unblocked();
    }
  }

  /** This publisher is read again (its subscribers drained, or it waited long enough). */
  forgetBlockers(): void {
    this.blockers.clear();
  }
}
