/**
 * Purge events: published after a change that affects delivery commits, delivered to every node
 * (and every worker) so rendition caches drop the affected entries. Delivery never relies on them
 * alone — cache keys carry versions — so a lost message costs freshness of nothing.
 */
export type PurgeEvent =
  | { kind: 'image'; accountId: string; imageId: string }
  | { kind: 'variant'; accountId: string; variantId: string }
  | { kind: 'account'; accountId: string }
  /** Sent locally when a listener reconnects: anything may have been missed. */
  | { kind: 'all' };

export type PurgeHandler = (event: PurgeEvent) => void;

export interface PurgeBus {
  publish(event: PurgeEvent): Promise<void>;
  subscribe(handler: PurgeHandler): () => void;
  close(): Promise<void>;
}

/** Single-process bus: handlers run synchronously inside publish, before the API call returns. */
export class LocalPurgeBus implements PurgeBus {
  private readonly handlers = new Set<PurgeHandler>();

  async publish(event: PurgeEvent): Promise<void> {
    for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: PurgeHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
