// Keeps a process's CPU use within a fraction of one core on average: a token bucket of CPU time
// that fills at `fraction` CPU-seconds per second (up to a small burst) and is drained by the
// process's measured CPU time (every thread, ORT's included). Work awaits pace() between steps,
// which sleeps while the bucket is empty.

export class CpuBudget {
  private credit = 0;
  private lastWall: number;
  private lastCpu: number;

  /**
   * @param fraction CPU-seconds per second allowed (0.1: a tenth of one core).
   * @param burstSeconds How many seconds of budget idle time may save up for later.
   */
  constructor(private fraction: number, private readonly burstSeconds = 5) {
    this.lastWall = wallSeconds();
    this.lastCpu = cpuSeconds();
  }

  set budget(fraction: number) {
    this.account();
    this.fraction = fraction;
  }

  get budget(): number {
    return this.fraction;
  }

  /** Waits until the CPU time used so far fits the budget. */
  async pace(signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.account();
      if (this.credit >= 0 || signal?.aborted) return;
      await sleep(Math.min(10_000, (-this.credit / this.fraction) * 1000 + 1));
    }
  }

  private account(): void {
    const wall = wallSeconds();
    const cpu = cpuSeconds();
    this.credit = Math.min(this.fraction * this.burstSeconds, this.credit + this.fraction * (wall - this.lastWall) - (cpu - this.lastCpu));
    this.lastWall = wall;
    this.lastCpu = cpu;
  }
}

function wallSeconds(): number {
  return performance.now() / 1000;
}

/** CPU time of the whole process (all threads), in seconds. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
