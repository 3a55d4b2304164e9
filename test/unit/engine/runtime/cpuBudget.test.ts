import { strict as assert } from 'node:assert';
import { CpuBudget, cpuSeconds } from '../../../../src/engine/runtime/cpuBudget';

describe('CpuBudget', () => {
  it('holds busy work to its fraction of one core, measured as process CPU time over a window', async function () {
    this.timeout(30_000);
    const budget = new CpuBudget(0.2, 0.5);
    // Steps of 50 ms of CPU time each (not wall time: the machine may be shared).
    const burn = (ms: number) => { const end = cpuSeconds() + ms / 1000; while (cpuSeconds() < end); };
    const wall0 = performance.now();
    const cpu0 = cpuSeconds();
    while (performance.now() - wall0 < 6000) {
      await budget.pace();
      burn(50);
    }
    const wall = (performance.now() - wall0) / 1000;
    const used = cpuSeconds() - cpu0;
    // The burst saved up (0.5 s × 0.2) and one step may overshoot the average.
    assert.ok(used <= 0.2 * wall + 0.1 + 0.06, `${used.toFixed(2)} CPU s in ${wall.toFixed(2)} s`);
    assert.ok(used >= 0.05 * wall, `only ${used.toFixed(2)} CPU s in ${wall.toFixed(2)} s: the budget starved the work`);
  });
});
