import { z } from 'zod';
import { setProviderEnabled } from '../../providers/provider-admin.js';
import { defineApiFunction } from '../api-function.js';
import { providerIdParam, serviceNameParam } from './common.js';

const params = z.object({ provider_id: providerIdParam, service_name: serviceNameParam });

export const enableAuthenticationProvider = defineApiFunction({
  params,
  run(deps, p) {
    const result = setProviderEnabled(deps, { providerId: p.provider_id, service: p.service_name, enabled: true });
    return result.ok ? { ok: true } : result;
  },
});
