import { z } from 'zod';

/**
 * Several inputs (cameras) per stream between the Worker and the origin agent, once. Each input
 * publishes on its own key; the origin runs one ladder per stream and feeds it from the input on
 * air (the program). While two or more inputs are connected, the origin polls the program and
 * cuts when it changes; when the on-air input drops and `auto_failover` is on, it cuts to the next
 * connected input after `failover_after_s` and tells the Worker. Imported by the agent on Node 22
 * as `@edgelive/shared/stream-inputs` (zod only).
 */

export const inputIdSchema = z.string().regex(/^inp_[0-9A-Za-z]{8,40}$/, 'expected an inp_ id');

/** What the origin polls: who is on air, how to fail over, and which inputs still exist. */
export const programStateSchema = z.object({
  program_input_id: inputIdSchema,
  auto_failover: z.boolean(),
  failover_after_s: z.number().int().min(1).max(60),
  /** Inputs of the stream now; a connected input missing here was deleted and is dropped. */
  input_ids: z.array(inputIdSchema),
});
export type ProgramState = z.infer<typeof programStateSchema>;

/** The origin cut on its own (the on-air input dropped and failover is on). */
export const originSwitchBodySchema = z.object({ input_id: inputIdSchema, reason: z.literal('failover') }).strict();
export type OriginSwitchBody = z.infer<typeof originSwitchBodySchema>;
