/** What an import did, counted as it goes, and the summary printed at the end. */
import { failureMessage } from '../failure-message.js';

/** Failures and skips are listed one per line up to this many; beyond it, counted. */
const LISTED = 20;

export class ImportReport {
  copied = 0;
  updated = 0;
  unchanged = 0;
  gone = 0;
  bytes = 0;
  readonly skipped = new Reasons();
  readonly failed = new Reasons();
  /** Whole-account findings (hash kept, settings not readable, images only on the target…). */
  readonly notes: string[] = [];

  /** Adds what a pass over the images copied. */
  addWork(pass: ImportReport): void {
    this.copied += pass.copied;
    this.updated += pass.updated;
    this.gone += pass.gone;
    this.bytes += pass.bytes;
  }

  /** Adds a pass's skips and failures (only the last pass's count: it saw every image still at the source). */
  addIssues(pass: ImportReport): void {
    this.skipped.absorb(pass.skipped);
    this.failed.absorb(pass.failed);
  }

  get failures(): number {
    return this.failed.total;
  }

  summary(dryRun: boolean): string {
    const verb = dryRun ? 'Would copy' : 'Copied';
    const lines = [
      `${verb} ${this.copied} images (${(this.bytes / 1e6).toFixed(1)} MB), ${dryRun ? 'would update' : 'updated'} the fields of ${this.updated}; ` +
        `${this.unchanged} unchanged, ${this.skipped.total} skipped, ${this.gone} deleted at the source meanwhile, ${this.failed.total} failed.`,
      ...this.notes.map((n) => `Note: ${n}`),
      ...this.skipped.lines('Skipped'),
      ...this.failed.lines('Failed'),
    ];
    return lines.join('\n');
  }
}

class Reasons {
  total = 0;
  private readonly byId: Array<[string, string]> = [];

  add(id: string, reason: unknown): void {
    this.total++;
    if (this.byId.length < LISTED) this.byId.push([id, typeof reason === 'string' ? reason : failureMessage(reason)]);
  }

  absorb(other: Reasons): void {
    this.total += other.total;
    this.byId.push(...other.byId.slice(0, LISTED - this.byId.length));
  }

  lines(label: string): string[] {
    const lines = this.byId.map(([id, reason]) => `${label}: ${id}: ${reason}`);
    if (this.total > this.byId.length) lines.push(`${label}: … and ${this.total - this.byId.length} more`);
    return lines;
  }
}
