// Child script: imports the given modules one after another in this fresh process and prints how
// long each one added, as JSON on stdout. Where the sandbox's cold start goes.
const costs: Record<string, number> = {};
for (const specifier of process.argv.slice(2)) {
  const started = performance.now();
  await import(specifier);
  costs[specifier] = performance.now() - started;
}
process.stdout.write(`${JSON.stringify(costs)}\n`);
process.exit(0);
