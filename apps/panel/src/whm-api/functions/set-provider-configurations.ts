import { z } from 'zod';
import { setClientConfiguration, setDisplayConfiguration } from '../../providers/provider-admin.js';
import { defineApiFunction } from '../api-function.js';
import { parseConfigurations } from '../params.js';
import { configurationsParam, providerIdParam, serviceNameParam } from './common.js';

/**
 * `set_provider_client_configurations` and `set_provider_display_configurations` (§8) take the same
 * parameters, `configurations` being a JSON string, and answer `{}`; they differ only in what they
 * write, and each writer checks its own keys.
 */
function setProviderConfigurations(write: typeof setClientConfiguration | typeof setDisplayConfiguration) {
  return defineApiFunction({
    params: z.object({
      provider_id: providerIdParam,
      service_name: serviceNameParam,
      configurations: configurationsParam,
    }),
    run(deps, p) {
      const configurations = parseConfigurations(p.configurations);
      if (!configurations.ok) return configurations;
      const result = write(deps, {
        providerId: p.provider_id,
        service: p.service_name,
        configurations: configurations.value,
      });
      return result.ok ? { ok: true, data: {} } : result;
    },
  });
}

export const setProviderClientConfigurations = setProviderConfigurations(setClientConfiguration);
export const setProviderDisplayConfigurations = setProviderConfigurations(setDisplayConfiguration);
