import type { createCsrf } from '@extauth/server-kit/csrf';
import type { Logger } from '@extauth/server-kit/logger';
import type { ScryptParams } from '@extauth/server-kit/passwords';
import type { Provider } from 'oidc-provider';
import type { AccountsStore } from './store/accounts.js';
import type { ViewContext } from './views/layout.js';

/** Everything the HTTP app needs, passed in (no module reads env or keeps a singleton). */
export interface IdpDeps {
  provider: Provider;
  accounts: AccountsStore;
  csrf: ReturnType<typeof createCsrf>;
  passwordHashing: ScryptParams;
  view: ViewContext;
  logger: Logger;
}
