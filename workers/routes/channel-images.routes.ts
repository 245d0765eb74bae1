import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env';
import { notFound } from '../lib/errors';
import type { ImageType } from '../lib/image-sniff';
import { serveChannelImage } from '../services/channel-image-delivery';
import { acceptUpload, type ImageKind, readTicket } from '../services/channel-images.service';
import { renderChannel } from './channels.schema';

/**
 * `PUT /channel-images/upload/{ticket}`: the signed upload (the ticket is the credential, so a
 * browser can send it straight from the customer's page). `GET /channel-images/{key}`: the stored
 * image, immutable for a year (its key carries its content hash); `?w=` one of its resized variants.
 */
const KEY = /^channels\/app_[0-9A-Za-z]+\/ch_[0-9A-Za-z]+\/(avatar|banner)-[0-9a-f]{24}\.(png|jpeg|webp)$/;

export const channelImageRoutes = new Hono<AppEnv>()
  .use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'PUT', 'OPTIONS'], allowHeaders: ['Content-Type'] }))
  .put('/upload/:ticket', async (c) => {
    const claim = await readTicket(c.env, c.req.param('ticket'));
    const { channel, image } = await acceptUpload(c.get('db'), c.env, claim, c.req.raw);
    return c.json({ channel: renderChannel(channel, new URL(c.req.url).origin), image }, 200);
  })
  .get('/*', async (c) => {
    const key = new URL(c.req.url).pathname.replace(/^\/channel-images\//, '');
    const m = KEY.exec(key);
    if (!m) throw notFound('image');
    // The same R2 + Cache API path as segments: immutable, so every viewer shares one cached copy.
    const res = await serveChannelImage(c, key, m[1] as ImageKind, m[2] as ImageType);
    res.headers.set('x-content-type-options', 'nosniff');
    return res;
  });
