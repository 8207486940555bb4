import type { ApiFunction } from './api-function.js';
import { apiTokenCreate } from './functions/api-token-create.js';
import { apiTokenRevoke } from './functions/api-token-revoke.js';
import { createacct } from './functions/createacct.js';
import { disableAuthenticationProvider } from './functions/disable-authentication-provider.js';
import { enableAuthenticationProvider } from './functions/enable-authentication-provider.js';
import { getAvailableAuthenticationProviders } from './functions/get-available-authentication-providers.js';
import { getProviderClientConfigurations } from './functions/get-provider-client-configurations.js';
import { getProviderConfigurationFields } from './functions/get-provider-configuration-fields.js';
import { getProviderDisplayConfigurations } from './functions/get-provider-display-configurations.js';
import { getUsersAuthnLinkedAccounts } from './functions/get-users-authn-linked-accounts.js';
import { linkUserAuthnProvider } from './functions/link-user-authn-provider.js';
import {
  setProviderClientConfigurations,
  setProviderDisplayConfigurations,
} from './functions/set-provider-configurations.js';
import { setupreseller } from './functions/setupreseller.js';
import {
  twofactorauthGenerateTfaConfig,
  twofactorauthGetIssuer,
  twofactorauthGetUserConfigs,
  twofactorauthRemoveUserConfig,
  twofactorauthSetIssuer,
  twofactorauthSetTfaConfig,
} from './functions/twofactorauth-config.js';
import {
  twofactorauthDisablePolicy,
  twofactorauthEnablePolicy,
  twofactorauthPolicyStatus,
} from './functions/twofactorauth-policy.js';
import { unlinkUserAuthnProvider } from './functions/unlink-user-authn-provider.js';

/** The WHM API 1 functions this panel answers, by name (`/json-api/<name>?api.version=1`). */
export const whmApiFunctions: Readonly<Record<string, ApiFunction>> = Object.freeze({
  get_available_authentication_providers: getAvailableAuthenticationProviders,
  enable_authentication_provider: enableAuthenticationProvider,
  disable_authentication_provider: disableAuthenticationProvider,
  get_provider_client_configurations: getProviderClientConfigurations,
  set_provider_client_configurations: setProviderClientConfigurations,
  get_provider_configuration_fields: getProviderConfigurationFields,
  get_provider_display_configurations: getProviderDisplayConfigurations,
  set_provider_display_configurations: setProviderDisplayConfigurations,
  get_users_authn_linked_accounts: getUsersAuthnLinkedAccounts,
  link_user_authn_provider: linkUserAuthnProvider,
  unlink_user_authn_provider: unlinkUserAuthnProvider,
  api_token_create: apiTokenCreate,
  api_token_revoke: apiTokenRevoke,
  createacct,
  setupreseller,
  twofactorauth_policy_status: twofactorauthPolicyStatus,
  twofactorauth_enable_policy: twofactorauthEnablePolicy,
  twofactorauth_disable_policy: twofactorauthDisablePolicy,
  twofactorauth_get_user_configs: twofactorauthGetUserConfigs,
  twofactorauth_generate_tfa_config: twofactorauthGenerateTfaConfig,
  twofactorauth_set_tfa_config: twofactorauthSetTfaConfig,
  twofactorauth_remove_user_config: twofactorauthRemoveUserConfig,
  twofactorauth_get_issuer: twofactorauthGetIssuer,
  twofactorauth_set_issuer: twofactorauthSetIssuer,
} as Record<string, ApiFunction>);

export function findApiFunction(name: string): ApiFunction | undefined {
  return Object.hasOwn(whmApiFunctions, name) ? whmApiFunctions[name] : undefined;
}
