/**
 * A TCP proxy in front of a store (PostgreSQL, S3, Redis), so a test can cut a node off from it
 * the way a network fault or a server crash would, without touching the shared server itself.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Resets every open connection through the proxy; new ones are still accepted. */
  cutAll(): void;
  /** Refuses new connections (and cuts the open ones) until `restore()`: the store is "down". */
  refuse(): void;
  /** Drops every byte both ways until `restore()`, connections staying open: a network partition. */
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  let stalled = false;
  const server = net.createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => stalled || upstream.write(chunk));
    upstream.on('data', (chunk) => stalled || client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cutAll = () => {
    for (const socket of open) socket.resetAndDestroy();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    cutAll,
    refuse() {
      refusing = true;
      cutAll();
    },
    stall() {
      stalled = true;
    },
    restore() {
      refusing = false;
      stalled = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
