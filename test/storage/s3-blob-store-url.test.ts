import { describe, expect, it } from 'vitest';
import { parseS3BlobStoreUrl } from '../../src/storage/blobs/s3-blob-store-url.js';

describe('parseS3BlobStoreUrl', () => {
  it('reads every parameter', () => {
    const url =
      's3://images.example?endpoint=http://127.0.0.1:7480/&region=eu-west-1&forcePathStyle=false' +
      '&prefix=/pictor/prod/&createBucket=true&timeoutMs=2500&accessKeyId=AK&secretAccessKey=S%2Fk';
    expect(parseS3BlobStoreUrl(url)).toEqual({
      bucket: 'images.example',
      prefix: 'pictor/prod/',
      createBucket: true,
      endpoint: 'http://127.0.0.1:7480',
      region: 'eu-west-1',
      forcePathStyle: false,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'S/k' },
      timeoutMs: 2500,
    });
  });

  it('defaults to path style and us-east-1 with an endpoint', () => {
    expect(parseS3BlobStoreUrl('s3://bucket?endpoint=https://s3.local:9000')).toMatchObject({
      region: 'us-east-1',
      forcePathStyle: true,
      prefix: '',
      createBucket: false,
      credentials: undefined,
      timeoutMs: 10_000,
    });
  });

  it('leaves region and addressing to the SDK for AWS', () => {
    expect(parseS3BlobStoreUrl('s3://bucket/')).toMatchObject({ endpoint: undefined, region: undefined, forcePathStyle: false });
  });

  it.each([
    ['s3://Bucket', /not a valid bucket name/],
    ['s3://ab', /not a valid bucket name/],
    ['s3://bucket:9000', /query parameters/],
    ['s3://key:secret@bucket', /query parameters/],
    ['s3://bucket/some/prefix', /\?prefix=/],
    ['s3://bucket?endpoint=127.0.0.1:7480', /endpoint must be/],
    ['s3://bucket?endpoint=http://h/path', /endpoint must be/],
    ['s3://bucket?forcepathstyle=true', /unknown parameter "forcepathstyle"/],
    ['s3://bucket?createBucket=yes', /createBucket must be true or false/],
    ['s3://bucket?accessKeyId=AK', /given together/],
    ['s3://bucket?timeoutMs=5s', /timeoutMs must be a whole number/],
    ['s3://bucket?timeoutMs=0', /timeoutMs must be a whole number/],
  ])('rejects %s', (url, message) => {
    expect(() => parseS3BlobStoreUrl(url)).toThrow(message);
  });

  it('never repeats a secret in an error', () => {
    expect(() => parseS3BlobStoreUrl('s3://bucket?secretAccessKey=hunter2&region=')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
