import { defineConfig } from 'vitest/config';

// Two projects: `unit` is the fast loop (no root, no network, fake tools);
// `integration` runs real builds, real mkosi and real servers (root, network).
export default defineConfig({
  test: {
    env: { MKB_SHUFFLE: '1' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/graph/**/*.test.ts', 'test/cache/**/*.test.ts', 'test/cli/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 30 * 60_000,
          hookTimeout: 30 * 60_000,
          globalSetup: ['test/integration/setup.ts'],
        },
      },
    ],
  },
});
