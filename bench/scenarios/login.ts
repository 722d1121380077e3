import { JSON_HEADERS, type Scenario, Tally } from './scenario.js';

/**
 * `POST /auth/login` with correct passwords across many users. Throttling counts attempts per email
 * (and per email + address) and a success clears them, so the scenario never has two sign-ins of one
 * user in flight: a request takes the longest-idle user from a queue, and its response returns that
 * user to the back of the queue.
 */
export function loginScenario(users: { email: string; password: string }[]): Scenario {
  const idle = [...users];
  const tally = new Tally();
  let overflow = 0;
  return {
    name: 'login',
    description: `POST /auth/login, correct passwords of ${users.length} users, never one user twice at a time`,
    requests: [
      {
        method: 'POST',
        path: '/auth/login',
        headers: JSON_HEADERS,
        setupRequest: (request, context) => {
          let user = idle.shift();
          if (!user) {
            // Only if many requests were abandoned (timeouts); reported, since it risks throttling.
            tally.add('no idle user (overlapping sign-ins)');
            user = users[overflow++ % users.length] as (typeof users)[number];
          }
          context.user = user;
          return { ...request, body: JSON.stringify({ email: user.email, password: user.password }) };
        },
        onResponse: (status, body, context) => {
          if (context.user) idle.push(context.user as (typeof users)[number]);
          if (status !== 200) tally.addResponse(status, body);
        },
      },
    ],
    anomalies: () => tally.counts,
  };
}
