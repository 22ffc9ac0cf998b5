// One correctness cell: each case of the scenario once against a fresh server. A case that fails
// is recorded; it fails the cell only for systems the scenario requires it of (Pictor).
import sharp from 'sharp';
import { ACCEPT } from '../scenarios.mjs';
import { fetchBody } from '../lib/check-image.mjs';

async function checkCase(baseUrl, system, testCase) {
  const { transform, expect } = testCase;
  const url = baseUrl + system.urlFor(transform).replaceAll('{n}', 'formats');
  const { body } = await fetchBody(url, { Accept: ACCEPT[transform.format] ?? 'image/*' });
  const metadata = await sharp(body, { pages: -1 }).metadata().catch(() => null);
  if (!metadata) throw new Error(`not an image (${body.length} B)`);
  const got = `${metadata.format} ${metadata.width}px${metadata.pages > 1 ? `, ${metadata.pages} frames` : ''}${metadata.hasAlpha ? ', alpha' : ''}`;
  if (expect.anyImage) return got;
  if (metadata.format !== transform.format || metadata.width !== transform.width) throw new Error(`got ${got}`);
  if (expect.hasAlpha && !metadata.hasAlpha) throw new Error(`alpha lost: ${got}`);
  if (expect.animated && !(metadata.pages > 1)) throw new Error(`animation lost: ${got}`);
  return got;
}

export async function measureFormats({ system, scenario }) {
  const { baseUrl } = await system.start({ scenario });
  try {
    const cases = [];
    for (const testCase of scenario.cases) {
      try {
        cases.push({ id: testCase.id, ok: true, got: await checkCase(baseUrl, system, testCase) });
      } catch (error) {
        // "GET <url> answered 400: …" → "answered 400: …": the URL is the same for every case.
        cases.push({ id: testCase.id, ok: false, got: error.message.split('\n')[0].replace(/^GET \S+ /, '').slice(0, 160) });
      }
    }
    const failed = cases.filter((c) => !c.ok);
    if (failed.length && scenario.requiredFor.includes(system.id)) {
      throw new Error(failed.map((c) => `${c.id}: ${c.got}`).join('; '));
    }
    return { cases, errors: failed.length };
  } finally {
    await system.stop();
  }
}
