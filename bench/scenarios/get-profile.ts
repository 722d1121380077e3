import { type Scenario, Tally } from './scenario.js';

/** `GET /user/me` with a bearer token, rotating across the seeded users' access tokens. */
export function getProfileScenario(accessTokens: string[]): Scenario {
  if (accessTokens.length === 0) throw new Error('get-profile needs at least one access token');
  const tally = new Tally();
  let next = 0;
  return {
    name: 'get-profile',
    description: `GET /user/me, bearer access tokens of ${accessTokens.length} users in turn`,
    requests: [
      {
        method: 'GET',
        path: '/user/me',
        setupRequest: (request) => ({
          ...request,
          headers: {
            ...request.headers,
            accept: 'application/json, application/problem+json',
            authorization: `Bearer ${accessTokens[next++ % accessTokens.length]}`,
          },
        }),
        onResponse: (status, body) => {
          if (status !== 200) tally.addResponse(status, body);
        },
      },
    ],
    anomalies: () => tally.counts,
  };
}
