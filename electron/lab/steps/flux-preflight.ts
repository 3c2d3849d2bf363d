/** `flux check --pre` against the k3d cluster: cheap, so it always runs rather than being assumed done. */
import { checkPre } from '../tools/flux';
import { k3dContext } from '../tools/k3d';
import { fromCatalogue, k3dName, runnerOf, type StepBehaviour } from './deps';

export const fluxPreflightStep: StepBehaviour = (info) => ({
  ...fromCatalogue(info),
  check: async () => ({ done: false, detail: 'The preflight check takes seconds, so it runs every time' }),
  async run(ctx) {
    const context = k3dContext(k3dName(ctx.inputs));
    await checkPre(runnerOf(ctx), context);
    return { context };
  },
});
