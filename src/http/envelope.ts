/** Cloudflare's response envelope. */
import type { ErrorChainItem, ImagesError } from '../errors.js';

export interface ResultInfo {
  page?: number;
  per_page?: number;
  count?: number;
  total_count?: number;
}

export function ok<T>(result: T, resultInfo?: ResultInfo) {
  return resultInfo === undefined
    ? { result, success: true as const, errors: [], messages: [] }
    : { result, result_info: resultInfo, success: true as const, errors: [], messages: [] };
}

interface EnvelopeError {
  code: number;
  message: string;
  error_chain?: ErrorChainItem[];
  source?: { pointer: string };
}

export function failure(err: ImagesError) {
  const item: EnvelopeError = { code: err.code, message: err.message };
  if (err.options.errorChain) item.error_chain = err.options.errorChain;
  if (err.options.pointer) item.source = { pointer: err.options.pointer };
  return { result: null, success: false as const, errors: [item], messages: [] };
}
