/**
 * A Google API failure, carrying the HTTP code, the canonical status and the message the real
 * API returns, so gcloud (`ResponseError: code=..., message=...`) and the future Crossplane
 * provider (`googleapi: Error 403: ...`) can each word it their own way.
 */
export class GcpError extends Error {
  constructor(
    readonly code: number,
    readonly status: 'NOT_FOUND' | 'ALREADY_EXISTS' | 'FAILED_PRECONDITION' | 'PERMISSION_DENIED' | 'RESOURCE_IN_USE' | 'INVALID_ARGUMENT' | 'QUOTA_EXCEEDED',
    message: string,
  ) {
    super(message);
    this.name = 'GcpError';
  }
}

export function quotaExceeded(project: string): GcpError {
  return new GcpError(
    403,
    'QUOTA_EXCEEDED',
    `Insufficient regional quota to satisfy request: resource "SSD_TOTAL_GB": request requires '300.0' and is short '100.0'. ` +
      `project has a quota of '500.0' with '200.0' available. View and manage quotas at https://console.cloud.google.com/iam-admin/quotas?usage=USED&project=${project}.`,
  );
}

export function keyCreationForbidden(project: string, email: string): GcpError {
  return new GcpError(
    400,
    'FAILED_PRECONDITION',
    'FAILED_PRECONDITION: Key creation is not allowed on this service account.\n' +
      "- '@type': type.googleapis.com/google.rpc.PreconditionFailure\n" +
      '  violations:\n' +
      '  - description: Key creation is not allowed on this service account.\n' +
      `    subject: projects/${project}/serviceAccounts/${email}?configvalue=${encodeURIComponent(email)}\n` +
      '    type: constraints/iam.disableServiceAccountKeyCreation',
  );
}

export function networkInUse(project: string, network: string, user: string): GcpError {
  return new GcpError(
    400,
    'RESOURCE_IN_USE',
    `The network resource 'projects/${project}/global/networks/${network}' is already being used by '${user}'`,
  );
}
