// One throughput cell: a fresh server (or the in-process loop), a correctness check, a warm-up,
// then a timed wrk run with CPU and peak-RSS accounting. A scenario with `coldLoad` keeps cold
// requests coming from a second wrk during the timed run, for the systems it names.
import { runWrk } from '../lib/wrk.mjs';
import { openCpuWindow } from '../lib/cpu-window.mjs';
import { treePeakRssMb, waitUntilIdle } from '../lib/proc.mjs';
import { requestFor, checkAnswer } from './requests.mjs';
import { startRemoteOrigin, withOrigin } from '../systems/remote-origin.mjs';

// Numbered ("{i}") URLs: disjoint ranges per run, all below Pictor's 12000 px clamp (a clamped
// value would share one cache key).
const FIRST_NUMBER = { warmup: 1000, measure: 3000, coldLoad: 7000 };

/** The background load of `scenario.coldLoad`, started now; resolves when it ends. */
function startColdLoad({ system, scenario, baseUrl, durationSec }) {
  const { transform, connections } = scenario.coldLoad;
  const request = requestFor(system, { ...scenario, uniqueUrls: true, cache: 'on' }, transform);
  // Errors of the background load (a full transform queue answering 503) are part of the point.
  return runWrk({ ...request, baseUrl, connections, durationSec: durationSec + 1, firstNumber: FIRST_NUMBER.coldLoad });
}

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
    if (timing.warmupSec > 0) await runWrk({ ...load, durationSec: timing.warmupSec, firstNumber: FIRST_NUMBER.warmup });
    await waitUntilIdle(pid);
    const transformsBefore = await system.transformCount?.();
    const coldLoad = scenario.coldLoadFor?.includes(system.id) ? startColdLoad({ system, scenario, baseUrl, durationSec: timing.durationSec }) : null;
    const closeWindow = openCpuWindow(pid, { originPid: origin?.pid });
    const result = await runWrk({ ...load, durationSec: timing.durationSec, firstNumber: FIRST_NUMBER.measure });
    const cpu = closeWindow();
    const background = await coldLoad;
    const transformsAfter = await system.transformCount?.();
    const transforms = transformsBefore != null && transformsAfter != null ? transformsAfter - transformsBefore : null;
    return {
      ...result,
      ...cpu,
      errors: result.non2xx + result.socketErrors + result.timeouts,
      peakRssMb: treePeakRssMb(pid),
      sample,
      // A cold scenario should transform once per request; less means something was cached or coalesced.
      transformsPerRequest: transforms != null && result.requests && !background ? transforms / result.requests : null,
      ...(background ? { coldLoadRps: background.rps, coldLoadErrors: background.non2xx + background.socketErrors + background.timeouts } : {}),
    };
  } finally {
    await system.stop();
    await origin?.stop();
  }
}
