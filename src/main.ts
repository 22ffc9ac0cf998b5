/**
 * Process entry. libuv reads UV_THREADPOOL_SIZE when its thread pool first starts, so it is set
 * here before anything else loads: each running transform holds a pool thread for tens of
 * milliseconds, and file and DNS work must not queue behind them (see sizeThreadPool).
 */
import { sizeThreadPool } from './config.js';

sizeThreadPool();

// The AWS SDK warns on every start under Node 20 that its releases after January 2027 will need
// Node 22. Pictor pins an exact SDK version (see package.json), so the warning never applies and
// would only bury the banner or the one-line error an operator reads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await import('./cli/index.js');
