export * from './events';
export * from './room-settings';
export * from './rooms';
