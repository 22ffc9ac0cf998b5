// The upload body exactly as the official `cloudflare` SDK sends `images.v1.create` from Node:
// undici's FormData serialisation, a `file` part with filename and type, a JSON `metadata` string
// and booleans as strings. Written once to a file so wrk can replay it.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { TMP_DIR } from './paths.mjs';

/** @returns {Promise<{bodyFile:string, contentType:string}>} */
export async function writeSdkUploadBody(imageFile) {
  const form = new FormData();
  form.append('file', new File([readFileSync(imageFile)], path.basename(imageFile), { type: 'image/jpeg' }));
  form.append('metadata', JSON.stringify({ source: 'pictor-bench' }));
  form.append('requireSignedURLs', 'false');
  const encoded = new Response(form);
  mkdirSync(TMP_DIR, { recursive: true });
  const bodyFile = path.join(TMP_DIR, `${path.basename(imageFile)}.multipart`);
  writeFileSync(bodyFile, Buffer.from(await encoded.arrayBuffer()));
  return { bodyFile, contentType: encoded.headers.get('content-type') };
}
