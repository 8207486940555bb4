import { z } from 'zod';
import { getClientConfiguration } from '../../providers/provider-admin.js';
import { defineApiFunction } from '../api-function.js';
import { providerIdParam, serviceNameParam } from './common.js';

export const getProviderClientConfigurations = defineApiFunction({
  params: z.object({ provider_id: providerIdParam, service_name: serviceNameParam }),
  run(deps, p) {
    const result = getClientConfiguration(deps, { providerId: p.provider_id, service: p.service_name });
    return result.ok ? { ok: true, data: { client_configurations: result.configuration } } : result;
  },
});
