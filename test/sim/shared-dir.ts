import { join, resolve } from 'node:path';
import { repoRoot } from './world/repo-root';

/**
 * The lab's reference material (the real CRDs, the tools' transcripts) lives beside the
 * repository in `../shared`; LAB_SHARED_DIR points elsewhere (a CI checkout, a packaged rehearsal).
 */
export const SHARED_DIR = process.env.LAB_SHARED_DIR ? resolve(process.env.LAB_SHARED_DIR) : resolve(repoRoot(), '..', 'shared');

/** Real CustomResourceDefinitions, by project: flux/, crossplane/, sealed-secrets/, provider-upjet-gcp/... */
export const CRD_ROOT = join(SHARED_DIR, 'crds');
