import sharp from 'sharp';
function manyFrameGif(frames) {
  const head = Buffer.from([0x47,0x49,0x46,0x38,0x39,0x61, 1,0,1,0, 0x80,0,0, 0,0,0, 255,255,255]);
  const loop = Buffer.from([0x21,0xff,0x0b, ...Buffer.from('NETSCAPE2.0'), 3,1,0,0,0]);
  const frame = (p) => Buffer.from([0x21,0xf9,4,4,1,0,0,0, 0x2c,0,0,0,0,1,0,1,0,0, 2,2,p?0x4c:0x44,1,0]);
  const f0 = frame(0), f1 = frame(1);
  return Buffer.concat([head, loop, ...Array.from({length: frames}, (_, i) => i % 2 ? f1 : f0), Buffer.from([0x3b])]);
}
for (const n of [12, 1000, 5000, 20000, 100000]) {
  const gif = manyFrameGif(n);
  let s = Date.now();
  const meta = await sharp(gif, { animated: true, limitInputPixels: false }).metadata();
  const tm = Date.now() - s; s = Date.now();
  await sharp(gif, { animated: true, failOn: 'error', limitInputPixels: 1e8, sequentialRead: true }).resize({ width: 64, height: 64, fit: 'inside', withoutEnlargement: true }).raw().toBuffer();
  console.log(n, gif.length, meta.pages, meta.width, meta.pageHeight, 'meta', tm, 'decode', Date.now() - s, 'rss', Math.round(process.memoryUsage().rss/1e6));
}
