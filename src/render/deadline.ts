/**
 * The time limit of one transform (PICTOR_TRANSFORM_TIMEOUT_MS). It is checked between the steps of
 * a render and handed to libvips, which stops a running pipeline on its own once the limit passes
 * (sharp counts in whole seconds, so libvips may overrun a sub-second limit by up to a second).
 */
import type { Sharp } from 'sharp';
import { errors } from '../errors.js';

export class Deadline {
  private endsAt: number;

  constructor(
    readonly limitMs: number,
    startedAt = performance.now(),
  ) {
    this.endsAt = startedAt + limitMs;
  }

  get remainingMs(): number {
    return this.endsAt - performance.now();
  }

  get passed(): boolean {
    return this.remainingMs <= 0;
  }

  /**
   * Waits for `work` without counting the wait against the limit. For the vision models: their
   * cost is per image (a fixed input size), not per pixel of this request's source, and the first
   * request of a process also waits for the model to load, which says nothing about its input.
   */
  async excluding<T>(work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      this.endsAt += performance.now() - started;
    }
  }

  /** Throws the delivery error (9522) once the limit has passed. */
  check(): void {
    if (this.passed) throw errors.transformTimeout(this.limitMs);
  }

  /** Checks, then lets libvips stop this pipeline itself when the time left runs out. */
  bound(image: Sharp): Sharp {
    this.check();
    return this.limit(image);
  }

  /** Lets libvips stop this pipeline when the time left runs out (whole seconds, at least one). */
  limit(image: Sharp): Sharp {
    return image.timeout({ seconds: Math.max(1, Math.ceil(this.remainingMs / 1000)) });
  }
}
