import type { RouteObject } from 'react-router';

/**
 * Pages for streams, rooms and webhooks: each lives in its own folder and talks to routes that
 * land from other branches, so they are listed here apart from the core console.
 */
export const appFeatureRoutes: RouteObject[] = [];
