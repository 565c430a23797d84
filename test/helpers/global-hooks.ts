// Mocha root hooks (loaded through .mocharc.json "require"): the shared throwaway MySQL server is
// stopped once after every test file, pass or fail.
import { stopSharedServer } from './mysql-server.js';

/** Root hooks for every test file. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopSharedServer();
  },
};
