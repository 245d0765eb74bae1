import { describe, expect, it } from 'vitest';
import { pickOrg } from './current-org';

describe('pickOrg', () => {
  it('keeps the remembered org only while the user still belongs to it', () => {
    expect(pickOrg(['org_a', 'org_b'], 'org_b')).toBe('org_b');
    expect(pickOrg(['org_a'], 'org_gone')).toBe('org_a');
    expect(pickOrg([], null)).toBeNull();
  });
});
