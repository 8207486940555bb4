/**
 * Texts of WHM's External Authentication administration (spec/whm-external-auth.md §6 and §8), with
 * the product's curly quotes: the reasons the WHM API 1 functions give, and the result texts of
 * Manage External Authentications, which quote the same reasons. The panel's use cases return the
 * `ExternalAuthProblem` values; this module alone turns them into sentences.
 */
export type ExternalAuthProblem =
  | { code: 'unknown_provider'; providerId: string }
  | { code: 'invalid_service'; service: string }
  | { code: 'not_configured'; provider: string }
  | { code: 'not_enabled_anywhere'; provider: string }
  | { code: 'invalid_configuration_key'; key: string; provider: string }
  | { code: 'missing_configuration_key'; key: string }
  | { code: 'configuration_not_string'; key: string }
  | { code: 'configurations_not_json' }
  | { code: 'invalid_colour'; key: string }
  | { code: 'invalid_configuration_value'; key: string }
  | { code: 'no_access_to_user'; username: string }
  | { code: 'invalid_subject' }
  | { code: 'invalid_preferred_username' }
  | { code: 'missing_parameter'; name: string }
  | { code: 'invalid_parameter'; name: string }
  | { code: 'repeated_parameter'; name: string }
  | { code: 'invalid_utf8'; source: 'query' | 'body' }
  | { code: 'username_taken'; username: string }
  | { code: 'domain_taken'; domain: string }
  | { code: 'root_is_not_an_account' }
  | { code: 'token_name_taken'; name: string }
  | { code: 'unknown_token'; name: string };

const SERVICES_SENTENCE = 'Currently, only “cpaneld”, “webmaild”, and “whostmgrd” can use External Authentication.';

export function describeExternalAuthProblem(p: ExternalAuthProblem): string {
  switch (p.code) {
    case 'unknown_provider':
      return `The authentication provider “${p.providerId}” does not exist.`;
    case 'invalid_service':
      return SERVICES_SENTENCE;
    case 'not_configured':
      return 'You cannot enable this provider until you configure it.';
    case 'not_enabled_anywhere':
      return `The provider “${p.provider}” is not enabled for any services with OpenID Connect authentication.`;
    case 'invalid_configuration_key':
      return `The configuration key “${p.key}” is not a valid configuration field for the provider “${p.provider}”.`;
    case 'missing_configuration_key':
      return `The configuration is missing the required parameter key “${p.key}”.`;
    case 'configuration_not_string':
      return `The value of the configuration key “${p.key}” must be a string.`;
    case 'configurations_not_json':
      return 'The parameter “configurations” must be a JSON object.';
    case 'invalid_colour':
      return `The value of the configuration key “${p.key}” must be 3 to 6 hexadecimal digits, without “#”.`;
    case 'invalid_configuration_value':
      return `The value of the configuration key “${p.key}” is not valid.`;
    case 'no_access_to_user':
      return `You do not have access to an account named “${p.username}”.`;
    case 'invalid_subject':
      return 'The value of the parameter “subject_unique_identifier” is not valid for this user.';
    case 'invalid_preferred_username':
      return 'The value of the parameter “preferred_username” must not contain line breaks or “/”.';
    case 'missing_parameter':
      return `You must specify the parameter “${p.name}”.`;
    case 'invalid_parameter':
      return `The value of the parameter “${p.name}” is not valid.`;
    case 'repeated_parameter':
      return `The parameter “${p.name}” must be given only once.`;
    case 'invalid_utf8':
      return `The ${p.source === 'query' ? 'query string' : 'request body'} contains a percent-encoded value that is not valid UTF-8.`;
    case 'username_taken':
      return `An account named “${p.username}” already exists.`;
    case 'domain_taken':
      return `The domain “${p.domain}” already belongs to an account.`;
    case 'root_is_not_an_account':
      return 'The “root” user is not a cPanel account.';
    case 'token_name_taken':
      return `An API token named “${p.name}” already exists.`;
    case 'unknown_token':
      return `The API token “${p.name}” does not exist.`;
  }
}

/** Manage External Authentications (WHM » Security Center), §6. */
export const MANAGE_EXTERNAL_AUTH = Object.freeze({
  title: 'Manage External Authentications',
  intro: 'This feature allows you to manage your authentication providers and authenticated users.',
  usersTab: 'Manage Users',
  providersTab: 'Configure',
  providerColumn: 'Authentication Provider',
  statusColumn: (service: string) => `Status (${service})`,
  enabled: 'Enabled',
  disabled: 'Disabled',
  configure: 'Configure',
  notConfigured: 'The provider is not configured.',
  noProviders: 'No providers available.',
  enabledResult: (provider: string, service: string) =>
    `The system has successfully enabled the “${provider}” provider in “${service}”.`,
  disabledResult: (provider: string, service: string) =>
    `The system has successfully disabled the “${provider}” provider in “${service}”.`,
  toggleFailed: (action: 'enable' | 'disable', provider: string, service: string, error: string) =>
    `The system could not ${action} the “${provider}” provider in “${service}”. The following error occurred: ${error}`,
  configureHeading: (provider: string) => `Configure the “${provider}” Provider`,
  providerSettings: 'Provider Settings',
  loginButtons: 'Configure Login Buttons',
  redirectUris: 'Redirect URIs',
  confirmUrls:
    'To ensure that the system works correctly, confirm that you have used the above URLs when you configure the provider.',
  required: 'This field is required.',
  save: 'Save',
  cancel: 'Cancel',
  saved: (provider: string) => `The system successfully updated the configurations for “${provider}.”`,
  saveFailed: (provider: string, error: string) =>
    `The system could not update the configurations for “${provider}.” The following error occurred: “${error}”`,
  usernameColumn: 'Username',
  servicesColumn: 'Services',
  manageColumn: 'Manage',
  noUsers: 'No users available.',
  userHeading: (username: string) => `Manage the authentication for “${username}”`,
  methodColumn: 'Authentication Method',
  unlink: 'Unlink',
  noLinks: 'There are no alternative authentication methods for this user.',
  confirmUnlinkTitle: 'Confirm Unlink',
  confirmUnlinkText: (provider: string, username: string) =>
    `Are you sure that you want to remove the “${provider}” authentication linkage for “${username}”?`,
  unlinked: (provider: string, preferredUsername: string, username: string) =>
    `The system has removed the “${provider} (${preferredUsername})” authentication linkage for “${username}.”`,
  unlinkFailed: (provider: string, preferredUsername: string, username: string, error: string) =>
    `The system could not remove the “${provider} (${preferredUsername})” authentication linkage for “${username}” due to an error: ${error}`,
  goBack: 'Go Back',
});

/** Shown on the login page and in Manage External Authentications while panel.ini cannot be used. */
export function panelIniMalformedText(problem: string): string {
  return `The panel.ini file is malformed (${problem}). The authentication providers that it enables are unavailable until you correct it.`;
}

/** Labels of the configuration and display fields (§6.2). */
export const CONFIGURATION_FIELD_TEXTS = Object.freeze({
  client_id: { label: 'Client ID', description: 'The ID of the Client' },
  client_secret: { label: 'Client Secret', description: 'The Secret of the Client' },
});

export const DISPLAY_FIELD_LABELS = Object.freeze({
  label: 'Button Label',
  color: 'Button color',
  textcolor: 'Button text color',
  icon: 'Button icon',
  icon_type: 'Button icon type',
});

/** WHM API 1 answers that are not about a function's parameters (§8). */
export const WHM_API_TEXTS = Object.freeze({
  ok: 'OK',
  noCredentials:
    'Access denied: authenticate with an API token (“Authorization: whm root:TOKEN”) or with HTTP Basic authentication.',
  badCredentials: 'Access denied: the credentials are not valid.',
  rootOnly: 'Access denied: only “root” may call this function.',
  crossSite:
    'Access denied: a page of another site sent this request. Call the API from a script or from the panel’s own pages.',
  unknownFunction: (name: string) => `Unknown app (“${name}”) requested for this version (1) of the API.`,
  wrongVersion: 'This server answers WHM API 1 only: add “api.version=1” to the request.',
});
