/** The API route table: every endpoint, each in its own file. */
import type { Services } from '../../services.js';
import { registerAccountScope, registerBatchScope } from './account-scope.js';
import { issueBatchToken } from './images/batch-token.js';
import { getImageBlob } from './images/blob.js';
import { deleteImage } from './images/delete.js';
import { getImage } from './images/get.js';
import { listImagesV1 } from './images/list-v1.js';
import { listImagesV2 } from './images/list-v2.js';
import { imageStats } from './images/stats.js';
import { updateImage } from './images/update.js';
import { uploadImage } from './images/upload.js';
import { deleteKey, listKeys, putKey } from './keys/routes.js';
import { getConfig, patchConfig } from './config/routes.js';
import type { ApiApp } from '../types.js';
import { createDirectUpload } from './uploads/direct-upload.js';
import { uploadUrlRoutes } from './uploads/upload-url.js';
import { deleteWebhook, getWebhook, putWebhook } from './webhooks/routes.js';
import { createVariant } from './variants/create.js';
import { deleteVariant } from './variants/delete.js';
import { getVariant } from './variants/get.js';
import { listVariants } from './variants/list.js';
import { updateVariant } from './variants/update.js';
import { verifyToken } from './user/verify-token.js';
import { registerBindingRoutes } from './binding/routes.js';

/** What the API routes use: each endpoint takes its own part of this (see its signature). */
export type ApiDeps = Pick<
  Services,
  'accounts' | 'batchTokens' | 'clock' | 'rateLimits' | 'uploadSlots' | 'binding' | 'images' | 'variants' | 'keys' | 'deliveryConfig' | 'directUploads' | 'webhooks'
>;

export function registerApiRoutes(app: ApiApp, services: ApiDeps): void {
  verifyToken(app, services);
  uploadUrlRoutes(app, services);
  registerAccountScope(app, services, (scope) => {
    for (const route of [
      uploadImage,
      listImagesV1,
      listImagesV2,
      imageStats,
      getImage,
      updateImage,
      deleteImage,
      getImageBlob,
      listVariants,
      createVariant,
      getVariant,
      updateVariant,
      deleteVariant,
      listKeys,
      putKey,
      deleteKey,
      getConfig,
      patchConfig,
      createDirectUpload,
      getWebhook,
      putWebhook,
      deleteWebhook,
      issueBatchToken,
    ]) {
      route(scope, services);
    }
    registerBindingRoutes(scope, services);
  });
  // The batch API: the same handlers, authenticated by batch tokens, without the account prefix.
  registerBatchScope(app, services, (scope) => {
    for (const route of [uploadImage, getImage, updateImage, deleteImage, listImagesV2, createDirectUpload]) route(scope, services);
  });
}
