import { retryDelayMs } from './notification-dispatcher';
import { notificationText } from './notifications.service';

const deployment = {
  id: 'd1',
  appId: 'a1',
  appName: 'shop',
  state: 'running',
  trigger: 'api',
  url: 'http://shop.localhost',
  commitSha: '3f5c2a1b9d',
  reason: null,
};

describe('notifications', () => {
  it('backs off exponentially from the base delay, capped at an hour', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30, 1000)).toBe(3_600_000);
  });

  it('says in one sentence what happened, for chat tools', () => {
    expect(notificationText('deployment.succeeded', deployment)).toBe(
      'shop: deployment d1 (3f5c2a1) is live at http://shop.localhost',
    );
    expect(
      notificationText('deployment.failed', { ...deployment, state: 'failed', reason: 'npm install failed' }),
    ).toBe('shop: deployment d1 (3f5c2a1) failed: npm install failed');
  });
});
