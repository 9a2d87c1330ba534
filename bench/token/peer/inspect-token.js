// Decodes one access token and checks it is a JWT signed ES256 by the server's published keys:
//   node inspect-token.js <jwks_uri> <access token>
// Prints one line: the JOSE header (alg, typ, kid), the claims that matter, and whether the signature verified.
// Exits 1 if the token is not a JWS, its alg is not ES256, or the signature does not verify against jwks_uri.
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

const [jwksUri, token] = process.argv.slice(2);
if (!jwksUri || !token) {
  console.error('usage: node inspect-token.js <jwks_uri> <access token>');
  process.exit(2);
}
let header;
let claims;
try {
  header = decodeProtectedHeader(token);
  claims = decodeJwt(token);
} catch (error) {
  console.log(`token: not a JWT (${error.message})`);
  process.exit(1);
}
let verified = 'signature verified against ' + jwksUri;
let ok = header.alg === 'ES256';
try {
  await jwtVerify(token, createRemoteJWKSet(new URL(jwksUri)), { algorithms: ['ES256'] });
} catch (error) {
  verified = `signature NOT verified (${error.code ?? error.message})`;
  ok = false;
}
const shown = Object.fromEntries(['iss', 'sub', 'aud', 'client_id', 'scope'].filter((k) => k in claims).map((k) => [k, claims[k]]));
console.log(`token: JWT header ${JSON.stringify({ alg: header.alg, typ: header.typ, kid: header.kid })} `
  + `claims ${JSON.stringify(shown)} lifetime ${claims.exp - claims.iat} s; ${verified}`);
process.exit(ok ? 0 : 1);
