import { describe, expect, it } from 'vitest';
import { createAddressPolicy, isRefusedHostName } from '../../src/net/address-policy.js';

describe('address policy', () => {
  const policy = createAddressPolicy([]);

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '2606:4700:4700::1111',
    '64:ff9b::808:808', // NAT64 of a public IPv4 address
    '2002:808:808::1', // 6to4 of a public IPv4 address
  ])('allows public %s', (address) => {
    expect(policy.refusalFor(address)).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:0:7f00:1', 'a loopback address'], // SIIT-translated
    ['2002:7f00:1::1', 'a loopback address'], // 6to4 around loopback
    ['64:ff9b::a00:1', 'a private address'], // NAT64 around 10.0.0.1
    ['10.0.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.0.1', 'a private address'],
    ['fc00::1', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['100.100.100.200', 'a shared (CGNAT) address'], // Alibaba Cloud metadata
    ['239.255.255.250', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['255.255.255.255', 'a broadcast address'],
    ['240.0.0.1', 'a reserved address'],
    ['198.18.0.1', 'a reserved address'],
    ['192.0.0.192', 'a reserved address'], // Oracle Cloud metadata
    ['2001:db8::1', 'a reserved address'],
    ['::7f00:1', 'a reserved address'], // deprecated IPv4-compatible form
    ['64:ff9b:1::1', 'a reserved address'], // local-use NAT64: embedded address unknown
    ['2001::1', 'a reserved address'], // Teredo
  ])('refuses %s as %s', (address, label) => {
    expect(policy.refusalFor(address)).toBe(label);
  });

  it('exempts allow-listed CIDRs and single addresses, IPv4 rules covering IPv4-mapped IPv6', () => {
    const allowing = createAddressPolicy(['10.0.0.0/8', 'fd00::/8', '127.0.0.1']);
    expect(allowing.refusalFor('10.20.30.40')).toBeUndefined();
    expect(allowing.refusalFor('::ffff:10.20.30.40')).toBeUndefined();
    expect(allowing.refusalFor('fd12::1')).toBeUndefined();
    expect(allowing.refusalFor('127.0.0.1')).toBeUndefined();
    expect(allowing.refusalFor('127.0.0.2')).toBe('a loopback address');
    expect(allowing.refusalFor('192.168.0.1')).toBe('a private address');
  });

  it('exempts allow-listed host names, ignoring case and a trailing dot', () => {
    const allowing = createAddressPolicy(['Images.Internal.Example']);
    expect(allowing.exemptsHost('images.internal.example.')).toBe(true);
    expect(allowing.exemptsHost('other.internal.example')).toBe(false);
  });

  it('rejects a malformed CIDR so a configuration typo is not ignored', () => {
    expect(() => createAddressPolicy(['10.0.0.0/33'])).toThrow(/not a valid CIDR: 10.0.0.0\/33/);
  });

  it('refuses localhost and cloud metadata names', () => {
    for (const name of ['localhost', 'LOCALHOST.', 'app.localhost', 'metadata.google.internal', 'instance-data']) {
      expect(isRefusedHostName(name)).toBe(true);
    }
    expect(isRefusedHostName('images.example.com')).toBe(false);
  });
});
