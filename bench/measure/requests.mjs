// What a system is asked, per scenario: the path (with "{n}" where each request must be unique),
// the headers, and for uploads the body; plus the one-request correctness check.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ACCEPT } from '../scenarios.mjs';
import { checkImage, fetchBody } from '../lib/check-image.mjs';

export function requestFor(system, scenario, transform = scenario.transform) {
  if (scenario.kind === 'upload') return system.uploadRequest();
  // With its cache on, a system must be asked for a new rendition each time (`unique`).
  const template = system.urlFor(transform, { unique: scenario.uniqueUrls && scenario.cache === 'on' });
  // Cached-hit scenarios repeat one URL; cold ones keep the "{n}" (or "{i}") for wrk to fill in.
  const path = scenario.uniqueUrls ? template : template.replaceAll('{n}', 'hit');
  return { method: 'GET', path, headers: { Accept: ACCEPT[transform.format] } };
}

/** Sends one request and checks the answer. Returns a description of what came back. */
export async function checkAnswer(baseUrl, request, scenario, token = `check-${randomBytes(3).toString('hex')}`) {
  // Numbered tokens start above 1000 in the timed runs (see measure/throughput.mjs).
  const url = baseUrl + request.path.replaceAll('{n}', token).replaceAll('{i}', '999');
  if (request.method === 'POST') {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...request.headers, 'Content-Type': request.contentType },
      body: readFileSync(request.bodyFile),
    });
    const envelope = await response.json().catch(() => null);
    if (!response.ok || !envelope?.success || !envelope.result?.id) {
      throw new Error(`upload answered ${response.status}: ${JSON.stringify(envelope).slice(0, 300)}`);
    }
    return { imageId: envelope.result.id };
  }
  const { body } = await fetchBody(url, request.headers);
  return checkImage(body, scenario.transform);
}
