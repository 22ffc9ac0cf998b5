/** Events the image domain announces; the webhook outbox records and delivers them. */
export type ImageEventType = 'image.uploaded' | 'image.updated' | 'image.deleted' | 'direct_upload.completed' | 'direct_upload.failed';

export interface ImageEvents {
  /** Records the event durably before resolving (when the account has a webhook). */
  emit(accountId: string, type: ImageEventType, data: Record<string, unknown>): Promise<void>;
}
