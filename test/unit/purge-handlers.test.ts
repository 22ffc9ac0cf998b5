/** The wire format between processes: own messages and anything malformed are dropped, the rest applied once. */
import { describe, expect, it } from 'vitest';
import { type PurgeEvent, PurgeHandlers } from '../../src/purge/purge-bus.js';

function listening() {
  const handlers = new PurgeHandlers();
  const seen: PurgeEvent[] = [];
  handlers.subscribe((event) => seen.push(event));
  return { handlers, seen };
}

describe('PurgeHandlers', () => {
  it("applies another process's events and ignores its own coming back", () => {
    const sender = new PurgeHandlers();
    const { handlers, seen } = listening();
    const event: PurgeEvent = { kind: 'image', accountId: 'a', imageId: 'x/y' };
    handlers.receive(sender.encode(event));
    handlers.receive(handlers.encode({ kind: 'all' }));
    expect(seen).toEqual([event]);
  });

  it.each([
    ['not JSON', '{'],
    ['no event', JSON.stringify({ origin: 'other' })],
    ['unknown kind', JSON.stringify({ origin: 'other', event: { kind: 'everything' } })],
    ['missing field', JSON.stringify({ origin: 'other', event: { kind: 'image', accountId: 'a' } })],
    ['wrong type', JSON.stringify({ origin: 'other', event: { kind: 'variant', accountId: 'a', variantId: 7 } })],
    ['null', 'null'],
  ])('drops a malformed message (%s)', (_name, payload) => {
    const { handlers, seen } = listening();
    expect(() => handlers.receive(payload)).not.toThrow();
    expect(seen).toEqual([]);
  });

  it('names listener connections by process and origin, within PostgreSQL’s 63 characters', () => {
    const { listenerName } = new PurgeHandlers();
    expect(listenerName).toMatch(new RegExp(`^pictor-purge-${process.pid}-[0-9a-f]{8}$`));
    expect(listenerName.length).toBeLessThanOrEqual(63);
  });
});
