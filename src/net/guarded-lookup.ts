/**
 * A DNS lookup for node:http that refuses, at dial time, a host whose addresses the policy
 * refuses. Checking here rather than before the request means the address checked is the address
 * connected to: a name cannot resolve to a public address for the check and to a private one for
 * the connection (DNS rebinding).
 */
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';

/** Internal: carries the resolved address for the log; callers turn it into a public error. */
export class AddressRefusedError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly refusal: string,
  ) {
    super(`${hostname} resolved to ${address}, ${refusal}`);
    this.name = 'AddressRefusedError';
  }
}

export function guardedLookup(policy: AddressPolicy, resolve: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, resolved) => {
      if (error) return callback(error, '');
      // Tolerate resolvers that ignore `all` and answer with a single address.
      const addresses = typeof resolved === 'string' ? [{ address: resolved, family: isIP(resolved) }] : resolved;
      if (!policy.exemptsHost(hostname)) {
        // Any address may be dialled (happy eyeballs tries them all), so one refused address refuses the host.
        for (const { address } of addresses) {
          const refusal = policy.refusalFor(address);
          if (refusal) return callback(new AddressRefusedError(hostname, address, refusal), '');
        }
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), '');
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
