/**
 * At most `perClient` things in flight per client key (an address). Counts only: a key is
 * forgotten when its last slot is released, so memory follows the clients active right now.
 */
export class ClientSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly perClient: number) {}

  /** Takes a slot for `client`; false when it already holds `perClient`. */
  tryTake(client: string): boolean {
    const count = this.held.get(client) ?? 0;
    if (count >= this.perClient) return false;
    this.held.set(client, count + 1);
    return true;
  }

  release(client: string): void {
    const count = this.held.get(client) ?? 0;
    if (count <= 1) this.held.delete(client);
    else this.held.set(client, count - 1);
  }
}
