import { CONFIGURATION_FIELD_TEXTS } from '@extauth/shared/external-auth-texts';
import { z } from 'zod';
import { getConfigurationFields } from '../../providers/provider-admin.js';
import { defineApiFunction } from '../api-function.js';
import { providerIdParam, serviceNameParam } from './common.js';

export const getProviderConfigurationFields = defineApiFunction({
  params: z.object({ provider_id: providerIdParam, service_name: serviceNameParam }),
  run(deps, p) {
    const result = getConfigurationFields(deps, { providerId: p.provider_id, service: p.service_name });
    if (!result.ok) return result;
    const configuration_fields = result.fields.map((f) => ({
      field_id: f.field_id,
      label: CONFIGURATION_FIELD_TEXTS[f.field_id].label,
      description: CONFIGURATION_FIELD_TEXTS[f.field_id].description,
      value: f.value,
      display_order: f.display_order,
    }));
    return { ok: true, data: { configuration_fields } };
  },
});
