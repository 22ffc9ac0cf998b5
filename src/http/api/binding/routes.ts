/**
 * The Images binding's backend under the account: workerd's images-api module (and
 * `@cloudflare/images`) post to `<base>/transform` and `<base>/info`; a Worker's binding reaches
 * Pictor through a fetcher that prefixes this path and adds an API token (docs/transformations.md).
 */
import type { ApiApp } from '../../types.js';
import type { Services } from '../../../services.js';
import { sendBindingError } from './binding-errors.js';
import { bindingInfo } from './info.js';
import { bindingTransform } from './transform.js';

export function registerBindingRoutes(scope: ApiApp, services: Pick<Services, 'binding' | 'uploadSlots'>): void {
  void scope.register(async (binding) => {
    // Also the account scope's refusals (auth, rate limits), so the binding reports them with their code.
    binding.setErrorHandler(sendBindingError);
    bindingTransform(binding, services);
    bindingInfo(binding, services);
  });
}
