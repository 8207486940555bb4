import { z } from 'zod';
import { getDisplayConfigurations } from '../../providers/provider-admin.js';
import { defineApiFunction } from '../api-function.js';
import { providerIdParam } from './common.js';

export const getProviderDisplayConfigurations = defineApiFunction({
  params: z.object({ provider_id: providerIdParam }),
  run(deps, p) {
    const result = getDisplayConfigurations(deps, { providerId: p.provider_id });
    return result.ok ? { ok: true, data: { configurations: result.configurations } } : result;
  },
});
