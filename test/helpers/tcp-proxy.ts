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
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
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
    client.pipe(upstream);
    upstream.pipe(client);
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
    restore() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
