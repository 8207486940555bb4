#!/usr/bin/env node
import { explainStartFailure } from '@extauth/server-kit/lifecycle';
import { LAUNCHER_USAGE, parseLauncherArgs, runSandboxUntilStopped } from './launcher.js';

try {
  const args = parseLauncherArgs(process.argv.slice(2));
  if (args.help) {
    console.log(LAUNCHER_USAGE);
  } else {
    await runSandboxUntilStopped(process.env, { seedFile: args.seedFile });
  }
} catch (err) {
  const { message, exitCode } = explainStartFailure(err);
  console.error(message);
  process.exit(exitCode);
}
