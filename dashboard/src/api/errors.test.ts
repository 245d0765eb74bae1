import { describe, expect, it } from 'vitest';
import { ApiRequestError, errorMessage } from './errors';

describe('ApiRequestError', () => {
  it('reads the error envelope and its field issues', () => {
    const e = ApiRequestError.from(400, {
      error: {
        code: 'invalid_request',
        message: 'The request did not match the schema.',
        details: {
          issues: [
            { path: 'name', message: 'Too long' },
            { path: 'name', message: 'second' },
          ],
        },
      },
    });
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_request');
    expect(e.fieldIssues).toEqual({ name: 'Too long' });
    expect(errorMessage(e)).toBe('The request did not match the schema.');
  });

  it('copes with bodies that are not the envelope', () => {
    const e = ApiRequestError.from(502, '<html>');
    expect(e.code).toBe('http_error');
    expect(e.message).toBe('The server answered 502.');
    expect(e.fieldIssues).toEqual({});
    expect(errorMessage(new TypeError('fetch failed'))).toMatch(/Could not reach/);
  });
});
