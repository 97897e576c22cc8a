import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/**
 * A progress bar over named stages, drawn on stderr only when it is a terminal (so --json output,
 * pipes and CI logs stay clean).
 */
export class StageProgress {
  private readonly bar?: cliProgress.SingleBar;
  private done = 0;

  constructor(
    private readonly stages: readonly string[],
    io: CliIO,
  ) {
    if (!io.interactive) return;
    this.bar = new cliProgress.SingleBar(
      { format: ' {bar} {percentage}% | {stage}', stream: process.stderr, clearOnComplete: true, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(stages.length, 0, { stage: stages[0] ?? '' });
  }

  stage(name: string): void {
    const i = this.stages.indexOf(name);
    if (i > this.done) this.done = i;
    this.bar?.update(this.done, { stage: name });
  }

  stop(): void {
    this.bar?.update(this.stages.length, { stage: 'done' });
    this.bar?.stop();
  }
}
