// Makes the benchmark's keys once and keeps them (bench/token/keys/ is git-ignored):
//   node keys.js <dir>
// <dir>/client.jwk.json          private EC P-256 JWK of the client `bench` (signs its private_key_jwt assertions)
// <dir>/client.public.jwk.json   its public half: what a server registers for the client (`jwks` / `dinh clients add`)
// <dir>/provider.jwks.json       the peer's own signing keys ({"keys": [EC P-256 private JWK]}), for ES256 access tokens
// Existing files are left alone, so every run (and both servers) use the same client key.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node keys.js <dir>');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

async function ecKey() {
  const { privateKey } = await generateKeyPair('ES256', { crv: 'P-256', extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = 'ES256';
  jwk.use = 'sig';
  return jwk;
}

const write = (file, value, mode = 0o600) => writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`, { mode });

if (!existsSync(join(dir, 'client.jwk.json'))) {
  const jwk = await ecKey();
  write('client.jwk.json', jwk);
  const { d, ...pub } = jwk;
  write('client.public.jwk.json', pub, 0o644);
  console.error(`keys: made the client key ${jwk.kid} in ${dir}`);
}
if (!existsSync(join(dir, 'provider.jwks.json'))) {
  const jwk = await ecKey();
  write('provider.jwks.json', { keys: [jwk] });
  console.error(`keys: made the peer's signing key ${jwk.kid} in ${dir}`);
}
