import { z } from 'zod';
import { SERVICE_NAMES } from '../../providers/provider-state.js';
import { defineApiFunction } from '../api-function.js';

/** §8: the available providers with their state per service and the WHM display configuration. */
export const getAvailableAuthenticationProviders = defineApiFunction({
  params: z.object({}),
  run(deps) {
    const providers = deps.providers
      .listProviders()
      .filter((p) => p.available)
      .map((p) => {
        const { icon, ...display } = p.display;
        const perService = Object.fromEntries(
          SERVICE_NAMES.flatMap((service) => [
            [`${service}_enabled`, p.enabledServices.has(service) ? 1 : 0],
            [`${service}_link`, p.displays[service].link],
          ]),
        );
        return {
          id: p.id,
          configured: p.client ? 1 : 0,
          ...perService,
          // The docs' spelling (spec §13.7), next to the code's `whostmgrd_enabled`.
          whostmgr_enabled: p.enabledServices.has('whostmgrd') ? 1 : 0,
          ...display,
          ...(icon ? { icon } : {}),
        };
      });
    return { ok: true, data: { providers } };
  },
});
