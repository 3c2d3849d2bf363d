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

// IPC channel names live in the dependency-free methods.ts so the preload bundle stays small.
export { ipcChannels } from './methods';
