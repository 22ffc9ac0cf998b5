import { randomBytes, randomUUID } from 'node:crypto';

/** A fresh account id: keys under it belong to one test, whatever else the store holds. */
export const newAccountId = (): string => randomBytes(16).toString('hex');

/** A key in the `<account>/<xx>/<uuid>` shape BlobStore accepts. */
export function newBlobKey(account = newAccountId()): string {
  const id = randomUUID();
  return `${account}/${id.slice(0, 2)}/${id}`;
}
