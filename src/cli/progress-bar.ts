/**
 * Progress of a long command on stderr: on a terminal, a bar redrawn in place (at most ten times a
 * second) with the rate and the time left; otherwise (logs, CI, a pipe) one line per tenth of the
 * way, or per `linesEvery` items when given, so the output stays readable.
 */
const WIDTH = 30;
const REDRAW_MS = 100;

export class ProgressBar {
  private total: number | undefined = 0;
  private done = 0;
  private bytes = 0;
  private startedMs = 0;
  private lastLine = -1;
  private printedDone = -1;
  private lastDrawMs = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly options: { linesEvery?: number } = {},
  ) {}

  /** `total` undefined: not known in advance (no percentage, no time left). */
  start(total: number | undefined): void {
    this.total = total;
    this.startedMs = Date.now();
    this.draw(true);
  }

  advance(bytes: number): void {
    this.done++;
    this.bytes += bytes;
    this.draw(this.done === this.total);
  }

  /** A line of its own above the bar. */
  note(line: string): void {
    this.out.write(this.out.isTTY ? `\r\x1b[K${line}\n` : `${line}\n`);
    if (this.out.isTTY) this.draw(true);
  }

  finish(): void {
    if (this.out.isTTY) {
      this.draw(true);
      this.out.write('\n');
    } else if (this.done !== this.printedDone) this.print();
  }

  private status(): string {
    const seconds = Math.max((Date.now() - this.startedMs) / 1000, 0.001);
    const rate = this.done / seconds;
    const of = this.total === undefined ? '' : `/${this.total} (${Math.floor(this.fraction() * 100)}%)`;
    const left = this.total === undefined || rate === 0 || this.done >= this.total ? '' : `, ${duration((this.total - this.done) / rate)} left`;
    return `${this.label} ${this.done}${of}, ${(this.bytes / 1e6).toFixed(1)} MB, ${rate.toFixed(rate < 10 ? 1 : 0)}/s${left}`;
  }

  private fraction(): number {
    return !this.total ? 1 : Math.min(1, this.done / this.total);
  }

  private draw(force: boolean): void {
    if (this.out.isTTY) {
      const now = Date.now();
      if (!force && now - this.lastDrawMs < REDRAW_MS) return;
      this.lastDrawMs = now;
      const filled = this.total === undefined ? 0 : Math.round(this.fraction() * WIDTH);
      this.out.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${this.status()}`);
      return;
    }
    const every = this.options.linesEvery ?? (this.total === undefined ? 100 : undefined);
    const line = every ? Math.floor(this.done / every) : Math.floor(this.fraction() * 10);
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.print();
  }

  private print(): void {
    this.printedDone = this.done;
    this.out.write(`${this.status()}\n`);
  }
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
