import { describe, expect, it } from 'vitest';
import { originOptionsFrom } from './config.ts';

const env = { EDGELIVE_ORIGIN_SECRET: 's' };

describe('originOptionsFrom: WHIP', () => {
  it('is off without a port, on with a port and an optional ICE port range', () => {
    expect(originOptionsFrom([], env).whip).toBeUndefined();
    expect(originOptionsFrom(['--whip-port', '8889'], env).whip).toEqual({ port: 8889, icePortRange: undefined });
    expect(
      originOptionsFrom([], { ...env, EDGELIVE_WHIP_PORT: '8889', EDGELIVE_WHIP_ICE_PORTS: '40000-40100' }).whip,
    ).toEqual({ port: 8889, icePortRange: [40000, 40100] });
  });

  it('refuses a range that is not min-max with max above min', () => {
    for (const range of ['40000', '40100-40000', '40000-40000', '0-10', 'a-b'])
      expect(() => originOptionsFrom(['--whip-port', '8889', '--whip-ice-ports', range], env), range).toThrow(
        /whip-ice-ports/,
      );
  });
});
