// Facts about the machine and tools, recorded with every result.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function cpuModel() {
  return readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
}

function osName() {
  try {
    return readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]+)"?/m)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function wrkVersion() {
  const { stdout, stderr } = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  return `${stdout}${stderr}`.match(/wrk (\S+)/)?.[1] ?? 'unknown';
}

export function machineFacts() {
  const hypervisor = /^flags\s*:.*\bhypervisor\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    virtualised: hypervisor,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    os: osName(),
    node: process.version,
    wrk: wrkVersion(),
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
