import type { RouteObject } from 'react-router';
import { AppAnalyticsPage } from './pages/analytics/app-analytics-page';
import { AssetAnalyticsPage } from './pages/analytics/asset-analytics-page';
import { StreamAnalyticsPage } from './pages/analytics/stream-analytics-page';
import { AssetPage } from './pages/assets/asset-page';
import { AssetsPage } from './pages/assets/assets-page';
import { UploadsPage } from './pages/assets/uploads-page';
import { AppUsagePage } from './pages/billing/app-usage-page';
import { BrandingPage } from './pages/branding/branding-page';
import { ChannelPage } from './pages/channels/channel-page';
import { ChannelsPage } from './pages/channels/channels-page';
import { DomainsPage } from './pages/domains/domains-page';
import { EventsPage } from './pages/events/events-page';
import { RoomPage } from './pages/rooms/room-page';
import { RoomsPage } from './pages/rooms/rooms-page';
import { StreamPage } from './pages/streams/stream-page';
import { StreamsPage } from './pages/streams/streams-page';
import { WebhooksPage } from './pages/webhooks/webhooks-page';

/**
 * Pages for streams, rooms and webhooks: each lives in its own folder and talks to routes that
 * land from other branches, so they are listed here apart from the core console.
 */
export const appFeatureRoutes: RouteObject[] = [
  { path: '/apps/:appId/streams', element: <StreamsPage /> },
  { path: '/apps/:appId/streams/:streamId', element: <StreamPage /> },
  { path: '/apps/:appId/rooms', element: <RoomsPage /> },
  { path: '/apps/:appId/rooms/:roomId', element: <RoomPage /> },
  { path: '/apps/:appId/webhooks', element: <WebhooksPage /> },
  { path: '/apps/:appId/events', element: <EventsPage /> },
  { path: '/apps/:appId/channels', element: <ChannelsPage /> },
  { path: '/apps/:appId/channels/:channelId', element: <ChannelPage /> },
  { path: '/apps/:appId/domains', element: <DomainsPage /> },
  { path: '/apps/:appId/branding', element: <BrandingPage /> },
  { path: '/apps/:appId/analytics', element: <AppAnalyticsPage /> },
  { path: '/apps/:appId/usage', element: <AppUsagePage /> },
  { path: '/apps/:appId/streams/:streamId/analytics', element: <StreamAnalyticsPage /> },
  { path: '/apps/:appId/assets/:assetId/analytics', element: <AssetAnalyticsPage /> },
  { path: '/apps/:appId/assets', element: <AssetsPage /> },
  { path: '/apps/:appId/assets/:assetId', element: <AssetPage /> },
  { path: '/apps/:appId/clips', element: <AssetsPage source="clip" /> },
  { path: '/apps/:appId/uploads', element: <UploadsPage /> },
];
