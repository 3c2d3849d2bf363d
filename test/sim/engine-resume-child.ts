/**
 * A lab engine in its own process, for the kill -9 resume test. Its steps' side effects are
 * files in WORLD_DIR (the "world"), and each check looks at the world, never at the state file.
 *
 *   prepare -> create -> finish
 *
 * `create` counts its runs in WORLD_DIR/create.count, makes WORLD_DIR/created (the resource),
 * then, when HANG_AFTER_CREATE=1, prints "side-effect-done" and hangs so the parent can kill
 * the process before the engine records completion.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../electron/lab/engine/index';
import type { StepDefinition } from '../../electron/lab/plan/step';

const world = process.env.WORLD_DIR!;
const dataDir = process.env.DATA_DIR!;
const hang = process.env.HANG_AFTER_CREATE === '1';

function bump(name: string): void {
  const file = path.join(world, `${name}.count`);
  const count = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
  fs.writeFileSync(file, String(count + 1));
}

function fileStep(id: string, dependsOn: string[], afterEffect?: () => Promise<void>): StepDefinition {
  const marker = path.join(world, id);
  return {
    id,
    phase: 'test',
    title: `Make ${id}`,
    why: 'test',
    dependsOn,
    estimateSeconds: 1,
    inputs: [],
    commands: () => [{ argv: ['touch', marker] }],
    check: async () => (fs.existsSync(marker) ? { done: true, detail: `${marker} exists`, outputs: { path: marker } } : { done: false }),
    run: async () => {
      bump(id);
      fs.writeFileSync(marker, 'made');
      await afterEffect?.();
      return { path: marker };
    },
  };
}

const steps = [
  fileStep('prepare', []),
  fileStep('create', ['prepare'], async () => {
    if (!hang) return;
    process.stdout.write('side-effect-done\n');
    // Keeps the process (and the step) alive until the parent kills it.
    await new Promise(() => setInterval(() => {}, 60_000));
  }),
  fileStep('finish', ['create']),
];

const engine = createEngine({ dataDir, env: {}, steps });
await engine.start();
engine.runAll({});
await engine.whenIdle();
const snapshot = await engine.getSnapshot({});
await engine.close();
process.stdout.write(`${JSON.stringify({ steps: snapshot.steps })}\n`);
