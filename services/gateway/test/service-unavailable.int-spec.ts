import { platformForSuite, signUp } from '@slipway/testing';

interface Problem {
  status: number;
  title: string;
  detail: string;
}

// The gateway alone: the apps service behind its queries is not running at all.
describe('gateway with a service down', () => {
  const platform = platformForSuite({ services: ['gateway'] });

  it('answers a query to a service that is not running with 503 problem+json naming what is missing', async () => {
    const user = await signUp(platform().gatewayUrl);
    const response = await fetch(`${platform().gatewayUrl}/api/v1/apps`, { headers: user.headers });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as Problem;
    expect(problem.status).toBe(503);
    expect(problem.detail).toBe('No service is answering rpc.apps.list right now.');
  });
});
