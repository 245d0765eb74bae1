/**
 * The docs site's sidebar, in reading order (pages under docs/, plus the generated api/ and sdk/
 * pages). The API's resource pages are appended by scripts/docs.ts from the OpenAPI tags.
 */
export const DOCS_NAV: { title: string; pages: string[] }[] = [
  { title: 'Start', pages: ['index.md', 'quickstart.md', 'publishing.md', 'concepts.md'] },
  {
    title: 'Guides',
    pages: [
      'guides/signed-playback.md',
      'guides/moderation.md',
      'guides/simulcast.md',
      'guides/uploads.md',
      'moving-from-mux.md',
      'handbook/deploying.md',
      'origin.md',
    ],
  },
  {
    title: 'Reference',
    pages: [
      'api/index.md',
      'sdk/node.md',
      'sdk/client.md',
      'rooms-protocol.md',
      'events.md',
      'webhooks.md',
      'beacons.md',
      'origin-protocol.md',
    ],
  },
  { title: 'Handbook', pages: ['handbook/index.md'] },
];
