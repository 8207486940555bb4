// Preloaded into the sandbox by the memory bench only (node --expose-gc --import): on SIGUSR2 it
// collects garbage and appends the main thread's heap figures to BENCH_MEMORY_PROBE_FILE, so a
// growing RSS can be told apart from a growing JavaScript heap (a leak).
import fs from 'node:fs';

const file = process.env.BENCH_MEMORY_PROBE_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    fs.appendFileSync(
      file,
      `${JSON.stringify({ heapUsedMb: m.heapUsed / 2 ** 20, heapTotalMb: m.heapTotal / 2 ** 20 })}\n`,
    );
  });
}
