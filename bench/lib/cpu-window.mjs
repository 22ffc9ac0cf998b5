// Accounts for where the box's CPU went during one measurement, so that a result taken while
// other work ran on the shared cores can be spotted (the "other CPU" column).
import { boxCpuTicks, ownCpuTicks, reapedChildrenCpuTicks, treeCpuTicks, CLOCK_TICKS_PER_SEC } from './proc.mjs';

/**
 * Opens a window over a server's CPU: `serverPid` for a server process tree, or `'self'` when the
 * measured code runs in this process (the in-process sharp loop). The load generator is whatever
 * this process and its reaped children (wrk) used. `originPid`, when given, is a server the
 * measured one depends on (the remote-source scenarios' origin): its CPU is reported on its own,
 * not as other CPU. Call the returned function at the end.
 */
export function openCpuWindow(serverPid, { originPid } = {}) {
  const serverIsSelf = serverPid === 'self';
  const serverTicks = () => (serverIsSelf ? ownCpuTicks() : treeCpuTicks(serverPid));
  const loadTicks = () => reapedChildrenCpuTicks() + (serverIsSelf ? 0 : ownCpuTicks());
  const startedAt = performance.now();
  const box = boxCpuTicks();
  const server = serverTicks();
  const load = loadTicks();
  const originTicks = () => (originPid ? treeCpuTicks(originPid) : 0);
  const origin = originTicks();
  return function close() {
    const seconds = (performance.now() - startedAt) / 1000;
    const boxNow = boxCpuTicks();
    const serverUsed = serverTicks() - server;
    const loadUsed = loadTicks() - load;
    const originUsed = originTicks() - origin;
    const otherUsed = Math.max(0, boxNow.busy - box.busy - serverUsed - loadUsed - originUsed);
    const totalUsed = boxNow.total - box.total;
    return {
      seconds,
      serverCpuSec: serverUsed / CLOCK_TICKS_PER_SEC,
      loadGeneratorCpuSec: loadUsed / CLOCK_TICKS_PER_SEC,
      ...(originPid ? { originCpuSec: originUsed / CLOCK_TICKS_PER_SEC } : {}),
      otherCpuCores: otherUsed / CLOCK_TICKS_PER_SEC / seconds,
      stealPct: totalUsed > 0 ? (100 * (boxNow.steal - box.steal)) / totalUsed : 0,
    };
  };
}
