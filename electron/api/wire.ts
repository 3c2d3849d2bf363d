/**
 * Frames of the web host's single WebSocket: requests with an id, answers carrying the same id,
 * and pushed events. Electron IPC carries the same request and event shapes without the framing.
 */
import { z } from 'zod';
import { apiErrorSchema, labEventSchema } from './contract';

export const requestFrameSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof requestFrameSchema>;

export const responseFrameSchema = z.union([
  z.object({ id: z.number().int(), result: z.unknown() }),
  z.object({ id: z.number().int(), error: apiErrorSchema }),
]);
export type ResponseFrame = z.infer<typeof responseFrameSchema>;

export const eventFrameSchema = z.object({ event: labEventSchema });
export type EventFrame = z.infer<typeof eventFrameSchema>;

/**
 * Host to page: the page fell behind, so `log` events of `stream` are no longer sent to it; the
 * output from byte `from` of the stream's log on is in the engine's log, to read with `readLog`.
 * Sent once per stream per gap, so a page that lags does not make the host buffer a build's output.
 */
export const gapFrameSchema = z.object({
  gap: z.object({ stream: z.string(), from: z.number().int().nonnegative() }),
});
export type GapFrame = z.infer<typeof gapFrameSchema>;

/**
 * Page to host: the page has read `stream`'s log up to byte `at`; live `log` events go on from
 * there. If the log has more than the page has read, the host answers with another gap frame.
 */
export const resumeFrameSchema = z.object({
  resume: z.object({ stream: z.string(), at: z.number().int().nonnegative() }),
});
export type ResumeFrame = z.infer<typeof resumeFrameSchema>;

/**
 * Host to page: some of `stream`'s output will not reach the page (the log rotated under a gap
 * and dropped it); what follows (a new gap frame or live events) goes on after the hole.
 */
export const lostFrameSchema = z.object({ lost: z.object({ stream: z.string() }) });
export type LostFrame = z.infer<typeof lostFrameSchema>;

// IPC channel names live in the dependency-free methods.ts so the preload bundle stays small.
export { ipcChannels } from './methods';
