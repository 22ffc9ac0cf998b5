/** The Image object of the API, exactly as Cloudflare returns it. */
import type { ImageRecord, JsonObject } from './model.js';

export interface ImageView {
  id: string;
  /** Absent on drafts: no file has arrived yet. */
  filename?: string;
  creator: string | null;
  meta: JsonObject;
  requireSignedURLs: boolean;
  uploaded: string;
  variants: string[];
  draft?: true;
}

/** `<delivery base>/<account hash>/<id>/<variant>`, with the id's characters escaped per segment. */
export function deliveryUrl(base: string, accountHash: string, imageId: string, variant: string): string {
  const id = imageId.split('/').map(encodeURIComponent).join('/');
  return `${base}/${accountHash}/${id}/${variant}`;
}

export function imageView(record: ImageRecord, deliveryBase: string, accountHash: string, variantNames: string[]): ImageView {
  const view: ImageView = {
    id: record.id,
    ...(record.draft ? {} : { filename: record.filename }),
    creator: record.creator,
    meta: record.meta,
    requireSignedURLs: record.requireSignedURLs,
    uploaded: new Date(record.uploadedMs).toISOString(),
    variants: variantNames.map((v) => deliveryUrl(deliveryBase, accountHash, record.id, v)),
  };
  if (record.draft) view.draft = true;
  return view;
}
