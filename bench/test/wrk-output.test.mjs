// node --test bench/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrkOutput } from '../lib/wrk-output.mjs';

const SAMPLE = `Running 10s test @ http://127.0.0.1:8080/photo-512.webp
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.84ms  512.33us  14.02ms   80.12%
    Req/Sec    34.98k     1.20k   37.10k    71.00%
  Latency Distribution
     50%    1.78ms
     75%    2.01ms
     90%  812.00us
     99%    1.47s
  348123 requests in 10.00s, 6.90GB read
  Socket errors: connect 0, read 2, write 1, timeout 7
  Non-2xx or 3xx responses: 5
Requests/sec:  34793.12
Transfer/sec:    706.42MB
`;

test('parses throughput, percentiles in every unit, and errors', () => {
  const result = parseWrkOutput(SAMPLE);
  assert.equal(result.requests, 348123);
  assert.equal(result.seconds, 10);
  assert.equal(result.rps, 34793.12);
  assert.equal(result.p50Ms, 1.78);
  assert.equal(result.p90Ms, 0.812);
  assert.equal(result.p99Ms, 1470);
  assert.equal(result.socketErrors, 3);
  assert.equal(result.timeouts, 7);
  assert.equal(result.non2xx, 5);
});

test('a clean run has no errors', () => {
  const clean = SAMPLE.replace(/\s+Socket errors.*\n/, '\n').replace(/\s+Non-2xx.*\n/, '\n');
  const result = parseWrkOutput(clean);
  assert.equal(result.socketErrors + result.timeouts + result.non2xx, 0);
});

test('rejects output that is not a wrk report', () => {
  assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'), /not understood/);
});
