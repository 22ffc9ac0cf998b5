import { describe, expect, it } from 'vitest';
import { failedStore } from '../../src/storage/store-failure.js';

const socketError = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });

describe('failedStore', () => {
  it('recognizes a lost or refused PostgreSQL connection', () => {
    expect(failedStore(socketError('ECONNRESET', 'read'))).toBe('database');
    expect(failedStore(socketError('ECONNREFUSED', 'connect'))).toBe('database');
    expect(failedStore(new Error('Connection terminated unexpectedly'))).toBe('database');
    expect(failedStore(new Error('timeout exceeded when trying to connect'))).toBe('database');
    expect(failedStore(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('database');
    expect(failedStore(Object.assign(new Error('sorry, too many clients already'), { code: '53300' }))).toBe('database');
  });

  it('recognizes an S3 request that got no answer or a server error', () => {
    expect(failedStore(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: { attempts: 3 } }))).toBe('blob store');
    expect(failedStore(Object.assign(new Error('SlowDown'), { $metadata: { httpStatusCode: 503 } }))).toBe('blob store');
  });

  it('leaves everything else alone: bugs, refused statements, S3 client errors, a client hanging up', () => {
    expect(failedStore(new TypeError('x is undefined'))).toBeUndefined();
    expect(failedStore(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
    expect(failedStore(Object.assign(new Error('AccessDenied'), { $metadata: { httpStatusCode: 403 } }))).toBeUndefined();
    expect(failedStore(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(failedStore(undefined)).toBeUndefined();
  });
});
