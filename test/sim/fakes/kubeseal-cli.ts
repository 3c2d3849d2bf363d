import { main } from './kubeseal';

// Standalone entry (`node --import tsx test/sim/fakes/kubeseal-cli.ts ...`) with the real process streams.
const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
process.exitCode = code;
