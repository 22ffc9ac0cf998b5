// A peer's Node server started with the sharp call counter preloaded, so the bench can read how
// many transforms it ran (IPX and Next.js expose no counter of their own).
import { freePort } from './free-port.mjs';
import { startServer } from './server-process.mjs';
import { createSharpCallCount } from './sharp-call-count.mjs';

/** Starts `node <args(port)>`; the handle adds `baseUrl`, `transformCount()` and a `stop()` that cleans up. */
export async function startCountedNodeServer({ name, args, cwd, env = {} }) {
  const port = await freePort();
  const sharpCalls = createSharpCallCount();
  const handle = await startServer({
    name,
    command: process.execPath, // the bin itself, not npx, so the measured pid is the server
    args: args(port),
    cwd,
    env: { ...env, ...sharpCalls.env },
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: handle.pid,
    transformCount: () => sharpCalls.read(),
    async stop() {
      await handle.stop();
      sharpCalls.remove();
    },
  };
}
