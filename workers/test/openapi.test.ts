import { describe, expect, it } from 'vitest';
import { call } from './helpers';

describe('OpenAPI document and reference', () => {
  it('serves an OpenAPI 3.1 document generated from the validating schemas', async () => {
    const doc = await call('/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    // Both mounts of an app resource are described.
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/v1/api-keys', '/v1/apps/{app_id}/api-keys', '/v1/auth/register']),
    );
    // The request schema is the one that validates: the password minimum shows up in the document.
    const register = doc.json.paths['/v1/auth/register'].post.requestBody.content['application/json'].schema;
    expect(register.properties.password.minLength).toBe(10);
    expect(doc.json.components.schemas.Error).toBeDefined();
  });

  it('renders a reference page with no external assets', async () => {
    const page = await call('/v1/reference');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('/v1/apps/{app_id}/api-keys');
    expect(page.text).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});
