import { z } from 'zod';
import { setDisplayConfiguration } from '../../providers/provider-admin.js';
import { defineApiFunction } from '../api-function.js';
import { parseConfigurations } from '../params.js';
import { configurationsParam, providerIdParam, serviceNameParam } from './common.js';

export const setProviderDisplayConfigurations = defineApiFunction({
  params: z.object({
    provider_id: providerIdParam,
    service_name: serviceNameParam,
    configurations: configurationsParam,
  }),
  run(deps, p) {
    const configurations = parseConfigurations(p.configurations);
    if (!configurations.ok) return configurations;
    const result = setDisplayConfiguration(deps, {
      providerId: p.provider_id,
      service: p.service_name,
      configurations: configurations.value,
    });
    return result.ok ? { ok: true, data: {} } : result;
  },
});
