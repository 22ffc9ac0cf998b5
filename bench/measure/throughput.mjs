// One throughput cell: a fresh server (or the in-process loop), a correctness check, a warm-up,
// then a timed wrk run with CPU and peak-RSS accounting.
import { runWrk } from '../lib/wrk.mjs';
import { openCpuWindow } from '../lib/cpu-window.mjs';
import { treePeakRssMb, waitUntilIdle } from '../lib/proc.mjs';
import { requestFor, checkAnswer } from './requests.mjs';
import { startRemoteOrigin, withOrigin } from '../systems/remote-origin.mjs';

export async function measureThroughput({ system, scenario, timing }) {
  const connections = scenario.connections;
  if (system.kind === 'in-process') return system.runLoop({ scenario, connections, ...timing });

  // Remote-source scenarios: a fresh origin per cell, which the system fetches the source from.
  const origin = scenario.remote ? await startRemoteOrigin(scenario.transform.source) : null;
  if (origin) scenario = withOrigin(scenario, origin.baseUrl);
  const { baseUrl, pid } = await system.start({ scenario }).catch(async (error) => {
    await origin?.stop();
    throw error;
  });
  try {
    const request = requestFor(system, scenario);
    const sample = await checkAnswer(baseUrl, request, scenario);
    const load = { ...request, baseUrl, connections, timeoutSec: scenario.timeoutSec ?? 30 };
    if (timing.warmupSec > 0) await runWrk({ ...load, durationSec: timing.warmupSec });
    await waitUntilIdle(pid);
    const transformsBefore = await system.transformCount?.();
    const closeWindow = openCpuWindow(pid, { originPid: origin?.pid });
    const result = await runWrk({ ...load, durationSec: timing.durationSec });
    const cpu = closeWindow();
    const transformsAfter = await system.transformCount?.();
    const transforms = transformsBefore != null && transformsAfter != null ? transformsAfter - transformsBefore : null;
    return {
      ...result,
      ...cpu,
      errors: result.non2xx + result.socketErrors + result.timeouts,
      peakRssMb: treePeakRssMb(pid),
      sample,
      // A cold scenario should transform once per request; less means something was cached or coalesced.
      transformsPerRequest: transforms != null && result.requests ? transforms / result.requests : null,
    };
  } finally {
    await system.stop();
    await origin?.stop();
  }
}
