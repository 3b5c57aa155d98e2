import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/file-times.ts'],
    // Two at once on a 2-core machine (vitest would take one): the e2e files spend most of their time waiting on
    // the nodes, and each has a lab of its own.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/vm/**', 'node_modules/**'],
          // Generous: a safety net for a loaded 2-core machine, not a speed check (the bench measures speed).
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/e2e-setup.ts'],
          // Real nodes: boots, dockerd restarts and etcd clusters take minutes. Each file has a lab of its own (name,
          // folder, subnet), so two files run side by side: most of their time is spent waiting on the nodes.
          testTimeout: 15 * 60_000,
          hookTimeout: 20 * 60_000,
          sequence: { concurrent: false },
        },
      },
      {
        // VM nodes, under QEMU's emulation where KVM cannot run a guest: about 13 minutes on a 2-core host, box
        // build included. `npm test` runs it after the others, in a vitest run of its own: vitest runs projects
        // side by side, and two emulated VMs beside the LXC labs miss their SSH keepalives.
        test: {
          name: 'vm',
          include: ['test/vm/**/*.test.ts'],
          testTimeout: 45 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
