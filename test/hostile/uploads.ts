/** Uploads and follow-up deliveries shared by the corpus families. */
import { expect } from 'vitest';
import { multipartBody, type Part } from '../helpers/multipart.js';
import type { Answer, Probe } from './corpus.js';

export function uploadForm(probe: Probe, parts: Part[], path = '/images/v1'): Promise<Answer> {
  const { body, contentType } = multipartBody(parts);
  return probe.api(path, { method: 'POST', body, headers: { 'content-type': contentType } });
}

export const uploadFile = (probe: Probe, bytes: Buffer, filename = 'upload', type = 'application/octet-stream') =>
  uploadForm(probe, [{ name: 'file', value: bytes, filename, type }]);

export const idOf = (answer: Answer): string => answer.json<{ result: { id: string } }>().result.id;

/** An upload the server should refuse: any well-formed 4xx (the probe checks the shape). */
export function expectRefused(answer: Answer): void {
  expect(answer.status, answer.text().slice(0, 300)).toBeGreaterThanOrEqual(400);
}

/**
 * Uploads hostile bytes; when they are stored, also delivers them at full size and resized, so the
 * render path meets them too. Returns the upload's answer.
 */
export async function uploadAndDeliver(probe: Probe, bytes: Buffer, filename = 'upload', type?: string): Promise<Answer> {
  const answer = await uploadFile(probe, bytes, filename, type);
  if (answer.status === 200) {
    const id = encodeURIComponent(idOf(answer));
    for (const variant of ['public', 'w=64,fit=cover']) await probe.deliver(`${id}/${variant}`);
  }
  return answer;
}
