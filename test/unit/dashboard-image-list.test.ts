/**
 * The dashboard's grid shows each image once, whichever arrives first: the upload's answer or a
 * list page the server answered after committing it (the race that showed two cards for one
 * upload in a CI run of test/browser/dashboard.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { withPage, withUpload } from '../../web/dashboard/src/image-list.js';

const image = (id: string) => ({ id, filename: `${id}.png` });
const ids = (list: Array<{ id: string }>) => list.map((i) => i.id);

describe('the dashboard image list', () => {
  it('an upload answered before a page that holds it: shown once, first', () => {
    const afterUpload = withUpload([image('old')], image('new'));
    expect(ids(withPage(afterUpload, [image('new'), image('old'), image('older')]))).toEqual(['new', 'old', 'older']);
  });

  it('a page answered before the upload that it holds: shown once, first', () => {
    const afterPage = withPage([], [image('new'), image('old')]);
    expect(ids(withUpload(afterPage, image('new')))).toEqual(['new', 'old']);
  });

  it('pages append in order', () => {
    expect(ids(withPage(withPage([], [image('a'), image('b')]), [image('c')]))).toEqual(['a', 'b', 'c']);
  });
});
