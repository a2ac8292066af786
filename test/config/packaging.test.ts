import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean; optional?: boolean }> };
const dockerfile = read('Dockerfile');

/** The Node.js versions the README promises: the oldest 22 the engines allow, and 24, the one CI tests. */
const supported = ['22.13.0', '24.0.0'];

describe('what the package promises about Node.js', () => {
  it('supports Node.js 22.13+ and 24, and no dependency (production or development) declares otherwise, so npm ci warns of no engine', () => {
    for (const version of supported) expect(semver.satisfies(version, pkg.engines.node), `engines ${pkg.engines.node} and ${version}`).toBe(true);
    expect(semver.satisfies('20.19.0', pkg.engines.node)).toBe(false);
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!path || !range) continue;
      for (const version of supported) if (!semver.satisfies(version, range)) refusing.push(`${path} (${range}) refuses ${version}`);
    }
    expect(refusing).toEqual([]);
  });

  it('builds the image on Node.js 24 and runs it with production dependencies only: no tsx, esbuild or mongodb-memory-server', () => {
    expect(dockerfile.match(/^FROM node:(\d+)/gm)).toEqual(['FROM node:24', 'FROM node:24']);
    expect(dockerfile).toContain('npm ci --omit=dev');
    for (const tool of ['tsx', 'esbuild', 'mongodb-memory-server']) {
      expect(pkg.dependencies[tool], `${tool} in dependencies`).toBeUndefined();
      const shipped = Object.entries(lock.packages).filter(([path, entry]) => path.endsWith(`node_modules/${tool}`) && !entry.dev);
      expect(shipped.map(([path]) => path), `${tool} reaches production through another package`).toEqual([]);
    }
  });

  it('gives the image the V8 flags of npm start, which the relay benchmark measures', () => {
    const flags = /^node ((?:--[\w-]+=\S+ )+)--import/.exec(pkg.scripts.start ?? '')?.[1]?.trim();
    expect(flags).toMatch(/--max-semi-space-size=\d+ --min-semi-space-size=\d+/);
    expect(dockerfile).toContain(`NODE_OPTIONS="${flags ?? 'none'}"`);
  });
});
