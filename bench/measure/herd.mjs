// One herd cell: N identical requests for a rendition nobody asked for yet, all at once. How many
// transforms did the server run, and how long until the last answer?
import { fireHerd } from '../lib/herd.mjs';
import { openCpuWindow } from '../lib/cpu-window.mjs';
import { treeCpuTicks, treePeakRssMb, waitUntilIdle, CLOCK_TICKS_PER_SEC } from '../lib/proc.mjs';
import { checkImage } from '../lib/check-image.mjs';
import { requestFor, checkAnswer } from './requests.mjs';

const REFERENCE_REQUESTS = 10;

// Systems without a transform counter: the server CPU of a few transforms with distinct cache keys,
// run concurrently like the herd's, gives the cost of one; the herd's CPU divided by it estimates
// the transforms it ran. (Sequential references overestimate the cost of one by about 30 %.)
async function cpuSecondsPerTransform(baseUrl, pid, request, scenario) {
  await checkAnswer(baseUrl, request, scenario, 'reference-first'); // pays for first-use costs
  await waitUntilIdle(pid);
  const before = treeCpuTicks(pid);
  await Promise.all(Array.from({ length: REFERENCE_REQUESTS }, (_, i) => checkAnswer(baseUrl, request, scenario, `reference-${i}`)));
  return (treeCpuTicks(pid) - before) / CLOCK_TICKS_PER_SEC / REFERENCE_REQUESTS;
}

export async function measureHerd({ system, scenario, timing }) {
  const requests = timing.requests ?? scenario.requests;
  const { baseUrl, pid } = await system.start({ scenario });
  try {
    // Warm the server (JIT, pools) on another rendition, so the herd's own rendition stays cold.
    const warmUp = { ...scenario.transform, width: scenario.transform.width / 2 };
    await checkAnswer(baseUrl, requestFor(system, { ...scenario, transform: warmUp, uniqueUrls: true }, warmUp), { transform: warmUp });
    const request = requestFor(system, { ...scenario, uniqueUrls: true });
    const countBefore = (await system.transformCount?.()) ?? null;
    const perTransformCpuSec = countBefore === null ? await cpuSecondsPerTransform(baseUrl, pid, request, scenario) : null;
    await waitUntilIdle(pid);

    const closeWindow = openCpuWindow(pid);
    const herd = await fireHerd(baseUrl + request.path.replaceAll('{n}', 'herd').replaceAll('{i}', '9999'), request.headers, requests);
    const cpu = closeWindow();
    const countAfter = countBefore === null ? null : await system.transformCount();
    const sample = herd.firstBody ? await checkImage(herd.firstBody, scenario.transform) : null;
    if (herd.failed) throw new Error(`${herd.failed}/${requests} herd requests failed, e.g. ${herd.firstError}`);
    return {
      requests,
      totalMs: herd.totalMs,
      p50Ms: herd.p50Ms,
      p99Ms: herd.p99Ms,
      errors: herd.failed,
      transforms: countBefore === null ? cpu.serverCpuSec / perTransformCpuSec : countAfter - countBefore,
      transformsEstimated: countBefore === null,
      ...cpu,
      peakRssMb: treePeakRssMb(pid),
      sample,
    };
  } finally {
    await system.stop();
  }
}
