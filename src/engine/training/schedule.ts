// The learning-rate schedule (linear warmup, then cosine decay) and its fitting to the time limit.

export interface ScheduleOptions {
  readonly lr: number;
  /** The cosine schedule ends at lr × minLrRatio. */
  readonly minLrRatio: number;
  readonly warmupSteps: number;
}

/** Linear warmup, then cosine decay to lr × minLrRatio. */
export function learningRate(o: ScheduleOptions, step: number, totalSteps: number): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const progress = Math.min(1, (step - o.warmupSteps) / Math.max(1, totalSteps - o.warmupSteps));
  return o.lr * (o.minLrRatio + (1 - o.minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** The steps a run plans, shortened to what the time limit lets it reach. */
export class Schedule {
  /** Steps from the recent speed are measured: since this step, at this time. */
  private window: { step: number; time: number };

  constructor(
    private readonly o: ScheduleOptions,
    private readonly plannedSteps: number,
    /** The run's last step: planned, or where a resumed run's schedule had ended. */
    public totalSteps: number,
    private readonly firstStep: number,
    private readonly deadline: number,
  ) {
    this.window = { step: firstStep, time: Date.now() };
  }

  lr(step: number): number {
    return learningRate(this.o, step, this.totalSteps);
  }

  /**
   * After `step` steps. When the time limit would cut the schedule short, fit the schedule to the
   * time left (at the recent speed, which changes with the machine's load) so that the learning rate
   * still decays. A resumed run with more epochs or minutes refits 20 steps in: a warm restart of the cosine.
   */
  fit(step: number): void {
    if (step !== this.firstStep + 20 && step % 500 !== 0) return;
    const stepsPerSecond = (step - this.window.step) / Math.max(1e-3, (Date.now() - this.window.time) / 1000);
    const reachable = Math.floor(step + ((this.deadline - Date.now()) / 1000) * stepsPerSecond * 0.97);
    this.totalSteps = Math.max(step + 1, Math.min(this.plannedSteps, reachable));
    this.window = { step, time: Date.now() };
  }

  get timeUp(): boolean {
    return Date.now() > this.deadline;
  }
}
