/** The whole D1 schema: one file per area, gathered here for drizzle and drizzle-kit. */

export * from './analytics';
export * from './assets';
export * from './auth-tokens';
export * from './channels';
export * from './core';
export * from './events';
export * from './idempotency';
export * from './media-purges';
export * from './oauth';
export * from './operators';
export * from './rate-limits';
export * from './rooms';
export * from './simulcast';
export * from './status';
export * from './stream-health';
export * from './stream-inputs';
export * from './streams';
export * from './two-factor';
export * from './uploads';
export * from './usage';
export * from './webhooks';
