// Where the bench keeps things. Everything under .work/ is git-ignored and recreated on demand.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = path.dirname(BENCH_DIR);
export const WORK_DIR = path.join(BENCH_DIR, '.work');
export const CORPUS_DIR = path.join(WORK_DIR, 'corpus');
export const PEERS_DIR = path.join(WORK_DIR, 'peers');
export const LOG_DIR = path.join(WORK_DIR, 'logs');
export const TMP_DIR = path.join(WORK_DIR, 'tmp');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const DOCS_DIR = path.join(REPO_DIR, 'docs');
