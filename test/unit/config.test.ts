/** The config module: typed settings, the thread-pool size it derives, and `pictor config`. */
import { describe, expect, it } from 'vitest';
import { type AnySetting, configFrom, sizeThreadPool } from '../../src/config.js';
import { runPictor } from '../helpers/process.js';

describe('settings are typed per key', () => {
  it('accepts a parser returning its own key’s type and (at compile time) refuses another’s', () => {
    const port: AnySetting = { key: 'port', env: 'PORT', doc: '', defaultText: '', parse: () => 1 };
    // @ts-expect-error a port's parser cannot return a string (tsc fails the build if this stops being an error)
    const wrong: AnySetting = { key: 'port', env: 'PORT', doc: '', defaultText: '', parse: () => 'x' };
    expect([port.parse(undefined, {}, {}), wrong.parse(undefined, {}, {})]).toEqual([1, 'x']);
  });
});

describe('sizeThreadPool', () => {
  it('gives libuv one thread per transform slot plus four, with PICTOR_TRANSFORM_CONCURRENCY parsed as config parses it', () => {
    const env: Record<string, string | undefined> = { PICTOR_TRANSFORM_CONCURRENCY: '6' };
    sizeThreadPool(env);
    expect(env.UV_THREADPOOL_SIZE).toBe('10');
    expect(configFrom({ PICTOR_TRANSFORM_CONCURRENCY: '6' }).transformConcurrency).toBe(6);
  });

  it('keeps an explicit UV_THREADPOOL_SIZE and leaves a bad value to loadConfig', () => {
    const set: Record<string, string | undefined> = { UV_THREADPOOL_SIZE: '3', PICTOR_TRANSFORM_CONCURRENCY: '6' };
    sizeThreadPool(set);
    expect(set.UV_THREADPOOL_SIZE).toBe('3');
    const bad: Record<string, string | undefined> = { PICTOR_TRANSFORM_CONCURRENCY: '1e3' };
    sizeThreadPool(bad);
    expect(bad.UV_THREADPOOL_SIZE).toBeUndefined();
    expect(() => configFrom(bad)).toThrow(/PICTOR_TRANSFORM_CONCURRENCY must be an integer/);
  });
});

describe('the metrics settings', () => {
  it('parse a token and a port of their own, and refuse the main port', () => {
    expect(configFrom({ PICTOR_METRICS_TOKEN: 'a'.repeat(16), PICTOR_METRICS_PORT: '9100' })).toMatchObject({ metricsToken: 'a'.repeat(16), metricsPort: 9100 });
    expect(configFrom({})).toMatchObject({ metricsToken: undefined, metricsPort: undefined });
    expect(() => configFrom({ PORT: '9100', PICTOR_METRICS_PORT: '9100' })).toThrow(/must differ from PORT/);
    expect(() => configFrom({ PICTOR_METRICS_TOKEN: 'short' })).toThrow(/PICTOR_METRICS_TOKEN/);
  });
});

it('`pictor config` prints every setting, what the environment sets, and no credential', async () => {
  const secret = 'metrics-token-that-must-not-print';
  const { code, stdout } = await runPictor({ PORT: '9999', PICTOR_METRICS_TOKEN: secret, PICTOR_LOG_LEVEL: 'debug' }, ['config']);
  expect(code).toBe(0);
  const rows = stdout.split('\n').filter((line) => line.startsWith('| `'));
  // One row per Config key: the table and the typed config come from the same settings.
  expect(rows).toHaveLength(Object.keys(configFrom({})).length);
  expect(rows.find((r) => r.startsWith('| `PORT` '))).toMatch(/^\| `PORT` \| `8787` \| `9999` \|/);
  expect(rows.find((r) => r.startsWith('| `PICTOR_METRICS_TOKEN` '))).toMatch(/\| set \|/);
  expect(rows.find((r) => r.startsWith('| `PICTOR_METRICS_PORT` '))).toMatch(/\| default \|/);
  expect(stdout).not.toContain(secret);
});
