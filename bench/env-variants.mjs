// `node bench/env-variants.mjs --scenario remote-cold --rounds 3 --variant default= --variant w1=PICTOR_WORKERS=1 ...`
// One scenario against Pictor started with several environments side by side (the order rotates
// by one per round), to find out what a setting costs: each line is one measured cell, with the
// server's CPU per request, which a noisy box disturbs less than req/s. `--node-args` passes flags
// to node itself (e.g. `--trace-gc`; the server's output is in bench/.work/logs/pictor.log).
import { parseArgs } from 'node:util';
import { SCENARIOS, timingFor } from './scenarios.mjs';
import { pictorSystem } from './systems/pictor.mjs';
import { measureThroughput } from './measure/throughput.mjs';

const { values: flags } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'remote-cold' },
    rounds: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '8' },
    variant: { type: 'string', multiple: true, default: ['default='] },
    'node-args': { type: 'string', default: '' },
  },
});
const scenario = SCENARIOS.find((s) => s.id === flags.scenario && s.kind === 'throughput');
if (!scenario) throw new Error(`--scenario must be a throughput scenario: ${SCENARIOS.filter((s) => s.kind === 'throughput').map((s) => s.id).join(', ')}`);
// `name=KEY=value,KEY=value`: the environment on top of the scenario's own.
const variants = flags.variant.map((spec) => {
  const [name, ...rest] = spec.split('=');
  const pairs = rest.join('=').split(',').filter(Boolean).map((pair) => pair.split('='));
  return { name, env: Object.fromEntries(pairs.map(([key, ...value]) => [key, value.join('=')])) };
});
const timing = { ...timingFor(scenario, 'full'), durationSec: Number(flags.seconds) };
const nodeArgs = flags['node-args'].split(' ').filter(Boolean);

for (let round = 0; round < Number(flags.rounds); round++) {
  for (let i = 0; i < variants.length; i++) {
    const { name, env } = variants[(i + round) % variants.length];
    const system = pictorSystem({ id: name, label: name, role: 'variant', env, nodeArgs });
    await system.prepare();
    const m = await measureThroughput({ system, scenario, timing });
    const cpuMs = (m.serverCpuSec * 1000) / m.requests;
    console.log(`round ${round + 1} ${name.padEnd(20)} ${m.rps.toFixed(1)} req/s  CPU ${cpuMs.toFixed(1)} ms/request  peak RSS ${Math.round(m.peakRssMb)} MB  errors ${m.errors}`);
  }
}
