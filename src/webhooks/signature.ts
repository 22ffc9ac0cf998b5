/**
 * Webhook signatures: `Pictor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is inside the signed text so a captured delivery cannot be replayed later unnoticed.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'pictor-signature';

export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}
