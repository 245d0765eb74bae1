export * from './room-settings';
export * from './rooms';
export * from './events';
