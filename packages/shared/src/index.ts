export * from './rooms';
export * from './room-settings';
