/**
 * Progress of a long command on stderr: on a terminal, a bar redrawn in place; otherwise (logs,
 * CI, a pipe) one line per tenth of the way, so the output stays readable.
 */
const WIDTH = 30;

export class ProgressBar {
  private total = 0;
  private done = 0;
  private bytes = 0;
  private startedMs = 0;
  private lastTenth = -1;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
  ) {}

  start(total: number): void {
    this.total = total;
    this.startedMs = Date.now();
    this.draw();
  }

  advance(bytes: number): void {
    this.done++;
    this.bytes += bytes;
    this.draw();
  }

  /** A line of its own above the bar. */
  note(line: string): void {
    this.out.write(this.out.isTTY ? `\r\x1b[K${line}\n` : `${line}\n`);
  }

  finish(): void {
    if (this.out.isTTY) this.out.write('\n');
  }

  private draw(): void {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const seconds = Math.max((Date.now() - this.startedMs) / 1000, 0.001);
    const status = `${this.label} ${this.done}/${this.total} (${Math.floor(fraction * 100)}%), ${(this.bytes / 1e6).toFixed(1)} MB, ${(this.done / seconds).toFixed(0)}/s`;
    if (this.out.isTTY) {
      const filled = Math.round(fraction * WIDTH);
      this.out.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${status}`);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    this.out.write(`${status}\n`);
  }
}
