/**
 * How one engine event changes the snapshot the UI shows. Pure, so the store stays a thin shell
 * and the rules are tested without a browser.
 */
import type { LabEvent, ResourceStatus, Snapshot } from '../../../electron/api/contract';

export function resourceKey(r: Pick<ResourceStatus, 'cluster' | 'kind' | 'namespace' | 'name'>): string {
  return `${r.cluster}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/** Returns the snapshot after `event`, or the same object when the event changes nothing in it. */
export function applyEvent(snapshot: Snapshot, event: LabEvent): Snapshot {
  switch (event.type) {
    case 'step':
      return { ...snapshot, steps: { ...snapshot.steps, [event.stepId]: event.state } };
    case 'inputs':
      return { ...snapshot, inputs: event.inputs, secrets: event.secrets };
    case 'resource': {
      const key = resourceKey(event.resource);
      const others = snapshot.resources.filter((r) => resourceKey(r) !== key);
      const index = snapshot.resources.findIndex((r) => resourceKey(r) === key);
      if (event.resource.deleted) return index === -1 ? snapshot : { ...snapshot, resources: others };
      const resources = [...snapshot.resources];
      if (index === -1) resources.push(event.resource);
      else resources[index] = event.resource;
      return { ...snapshot, resources };
    }
    case 'cleanup':
      return { ...snapshot, cleanup: event.cleanup };
    case 'log':
    case 'notice':
      return snapshot;
  }
}
