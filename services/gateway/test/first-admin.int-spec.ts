import { platformForSuite, signUp } from '@slipway/testing';

// A fresh platform: nobody has signed up yet.
describe('the first administrator', () => {
  const platform = platformForSuite({ services: ['gateway'] });

  it('is exactly one of several people signing up at the same moment', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => signUp(platform().gatewayUrl)));
    expect(users.filter((user) => user.role === 'admin')).toHaveLength(1);
    expect(users.filter((user) => user.role === 'user')).toHaveLength(5);
    const later = await signUp(platform().gatewayUrl);
    expect(later.role).toBe('user');
  });
});
