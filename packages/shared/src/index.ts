export * from './room-settings';
export * from './rooms';
