// Decides whether a response is the image a scenario asked for, by decoding it with sharp.
import sharp from 'sharp';

// sharp reports AVIF as the HEIF container with AV1 compression.
function formatOf(metadata) {
  return metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : metadata.format;
}

/**
 * Throws with a readable reason unless `body` is a `format` image `width` pixels wide.
 * @returns {Promise<{format:string,width:number,height:number,bytes:number}>}
 */
export async function checkImage(body, { format, width }) {
  let metadata;
  try {
    metadata = await sharp(body).metadata();
  } catch (error) {
    throw new Error(`response is not a decodable image (${body.length} B: ${body.subarray(0, 80).toString()}…): ${error.message}`);
  }
  const actual = { format: formatOf(metadata), width: metadata.width, height: metadata.height, bytes: body.length };
  if (actual.format !== format || actual.width !== width) {
    throw new Error(`expected ${format} ${width}px wide, got ${actual.format} ${actual.width}×${actual.height}`);
  }
  return actual;
}

/** GET once; throws unless 200. */
export async function fetchBody(url, headers = {}, timeoutMs = 120_000) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}: ${body.subarray(0, 200).toString()}`);
  }
  return { body, headers: response.headers };
}
