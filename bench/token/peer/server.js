// The peer of bench/run-token.sh: oidc-provider (a certified OpenID provider) configured the way Dinh's token
// endpoint is meant to be: one client `bench` that authenticates with private_key_jwt (ES256), the
// client_credentials grant, and JWT access tokens signed ES256 for one resource server.
//
//   NODE_ENV=production node server.js
//
// Environment (bench/run-token.sh sets them):
//   PEER_PORT          port on 127.0.0.1 (55600)
//   PEER_KEYS          directory made by keys.js (../keys): client.public.jwk.json, provider.jwks.json
//   PEER_CLIENT_ID     client id (bench)
//   PEER_SCOPE         the scope the client may ask for (registry.read)
//   PEER_RESOURCE      the resource server's identifier, the `aud` of the access tokens (urn:dinh:registry)
//   PEER_REPLAY_STORE  `complete` (default): remembers every client assertion's jti until it expires, as a
//                      production store would; `lru`: oidc-provider's own development MemoryAdapter, an LRU of 1,000
//                      entries that forgets older jtis (cheaper, and replay protection only over the last 1,000)
//
// Listens on loopback only; prints one line `listening <issuer> <token endpoint>` on stdout when ready.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Provider from 'oidc-provider';

const port = Number(process.env.PEER_PORT ?? 55600);
const keys = process.env.PEER_KEYS ?? new URL('../keys', import.meta.url).pathname;
const clientId = process.env.PEER_CLIENT_ID ?? 'bench';
const scope = process.env.PEER_SCOPE ?? 'registry.read';
const resource = process.env.PEER_RESOURCE ?? 'urn:dinh:registry';
const replayStore = process.env.PEER_REPLAY_STORE ?? 'complete';
const issuer = `http://127.0.0.1:${port}`;

const readJson = (file) => JSON.parse(readFileSync(join(keys, file), 'utf8'));

// An in-process store that keeps every entry until it expires. Only ReplayDetection (one entry per client assertion)
// is written by this benchmark: client_credentials access tokens in JWT format are not stored. Entries are written
// in the order they expire (the assertions' exp is iat + a fixed lifetime), so expired ones are dropped from the
// front of the Map (insertion order) on each write: amortised O(1).
class CompleteMemoryAdapter {
  static #stores = new Map();

  constructor(model) {
    this.model = model;
    if (!CompleteMemoryAdapter.#stores.has(model)) CompleteMemoryAdapter.#stores.set(model, new Map());
    this.store = CompleteMemoryAdapter.#stores.get(model);
  }

  #sweep(now) {
    for (const [id, entry] of this.store) {
      if (entry.expiresAt > now) break;
      this.store.delete(id);
    }
  }

  async upsert(id, payload, expiresIn) {
    const now = Date.now();
    this.#sweep(now);
    this.store.delete(id); // keeps the Map in write order
    this.store.set(id, { payload, expiresAt: typeof expiresIn === 'number' ? now + expiresIn * 1000 : Infinity });
  }

  async find(id) {
    const entry = this.store.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.store.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  async consume(id) {
    const payload = await this.find(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { this.store.delete(id); }

  // Not used by client_credentials; present because the adapter interface has them.
  async findByUid() { return undefined; }

  async findByUserCode() { return undefined; }

  async revokeByGrantId() {}
}

const configuration = {
  ...(replayStore === 'complete' ? { adapter: CompleteMemoryAdapter } : {}),
  clients: [{
    client_id: clientId,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: { keys: [readJson('client.public.jwk.json')] },
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope,
  }],
  // The provider's signing keys: one EC P-256 key, so ES256 access tokens can be signed.
  jwks: readJson('provider.jwks.json'),
  scopes: ['openid', scope],
  clientAuthMethods: ['private_key_jwt'],
  enabledJWA: {
    clientAuthSigningAlgValues: ['ES256'],
    idTokenSigningAlgValues: ['ES256'],
  },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  cookies: { keys: ['dinh-bench-token-peer-not-a-secret'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo(ctx, indicator) {
        if (indicator !== resource) throw new Provider.errors.InvalidTarget();
        return {
          scope,
          audience: resource,
          accessTokenTTL: 5 * 60,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
  ttl: { ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 5 * 60 },
};

const provider = new Provider(issuer, configuration);

// No request logging. Failures are counted and the first few described on stderr, so a run with errors shows why.
let failures = 0;
const describe = (kind) => (ctx, error) => {
  failures += 1;
  if (failures <= 5) {
    const detail = [error.error_description, error.error_detail].filter(Boolean).join(': ');
    console.error(`peer: ${kind}: ${error.message}${detail ? ` (${detail})` : ''}`);
  }
};
provider.on('grant.error', describe('grant.error'));
provider.on('server_error', describe('server_error'));
provider.on('jwks.error', describe('jwks.error'));
process.on('SIGTERM', () => {
  if (failures > 5) console.error(`peer: ${failures} failures in all`);
  process.exit(0);
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  const tokenEndpoint = new URL(provider.pathFor?.('token') ?? '/token', issuer).href;
  console.log(`listening ${issuer} ${tokenEndpoint} replay-store=${replayStore}`);
});
