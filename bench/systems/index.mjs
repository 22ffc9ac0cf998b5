// Every system the bench knows, in the order reports list them.
import pictor, { pictorOneProcess, pictorLogged, pictorUnderColdLoad, pictorFaceCrop, pictorBaseline } from './pictor.mjs';
import sharpLoop, { sharpValidatedUpload } from './sharp-loop.mjs';
import nginxStatic, { nginxStaticOneWorker } from './nginx-static.mjs';
import nodeStatic, { nodeStaticOneProcess } from './node-static.mjs';
import ipx from './ipx.mjs';
import next from './next.mjs';
import nginxImageFilter from './nginx-image-filter.mjs';

export const SYSTEMS = [pictor, ...(pictorBaseline ? [pictorBaseline] : []), pictorOneProcess, pictorLogged, pictorUnderColdLoad, pictorFaceCrop, sharpLoop, sharpValidatedUpload, nginxStatic, nginxStaticOneWorker, nodeStatic, nodeStaticOneProcess, ipx, next, nginxImageFilter];

export function systemById(id) {
  const system = SYSTEMS.find((s) => s.id === id);
  if (!system) throw new Error(`unknown system "${id}" (known: ${SYSTEMS.map((s) => s.id).join(', ')})`);
  return system;
}
