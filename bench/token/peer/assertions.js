// Pre-generates distinct private_key_jwt client assertions, one compact JWS per line:
//   node assertions.js --key <private JWK file> --client-id bench --aud <audience> --count 300000 --out <file>
//                      [--lifetime 600] [--workers <n>] [--typ JWT]
// Each assertion: header {alg: ES256, typ (JWT unless told; OpenIddict 7 demands client-authentication+jwt, the type
// RFC 7523bis recommends), kid}; claims iss = sub = client id, aud (as given; repeat --aud for an
// array), a unique jti (random UUID), iat = now, exp = now + lifetime (600 s unless told). Servers refuse a jti seen
// before (oidc-provider remembers each one until it expires), so the load tool must use every line once only.
// Signing uses node:crypto directly (about 30,000 per second per core) on --workers threads (default: all cores);
// jose checks the first line against the public key, so a wrong key or claim fails here and not under load.
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';

function signMany({ jwk, claims, count, typ }) {
  const { d, ...pub } = jwk;
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ, kid: pub.kid })).toString('base64url');
  const lines = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const payload = Buffer.from(JSON.stringify({ ...claims, jti: randomUUID() })).toString('base64url');
    const input = `${header}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    lines[i] = `${input}.${signature}`;
  }
  return `${lines.join('\n')}\n`;
}

if (!isMainThread) {
  parentPort.postMessage(signMany(workerData));
} else {
  const args = { aud: [], lifetime: '600', typ: 'JWT', workers: String(Math.max(1, availableParallelism())) };
  for (let i = 2; i < process.argv.length; i += 2) {
    const name = process.argv[i].replace(/^--/, '');
    const value = process.argv[i + 1];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (name === 'aud') args.aud.push(value); else args[name] = value;
  }
  for (const required of ['key', 'client-id', 'count', 'out']) {
    if (!args[required]) {
      console.error('usage: node assertions.js --key <private JWK> --client-id <id> --aud <audience> [--aud …] --count <n> --out <file> [--lifetime <s>] [--workers <n>] [--typ <typ>]');
      process.exit(2);
    }
  }
  if (args.aud.length === 0) throw new Error('--aud is required');

  const started = process.hrtime.bigint();
  const jwk = JSON.parse(readFileSync(args.key, 'utf8'));
  const count = Number(args.count);
  const workers = Math.min(Number(args.workers), count);
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    iss: args['client-id'],
    sub: args['client-id'],
    aud: args.aud.length === 1 ? args.aud[0] : args.aud,
    iat,
    exp: iat + Number(args.lifetime),
  };

  // Chunks are written in worker order; each worker signs a contiguous share.
  const shares = Array.from({ length: workers }, (_, w) => Math.floor(count / workers) + (w < count % workers ? 1 : 0));
  const results = shares.map((share) => new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { jwk, claims, count: share, typ: args.typ } });
    worker.once('message', resolve);
    worker.once('error', reject);
  }));
  const out = createWriteStream(args.out);
  for (const result of results) {
    if (!out.write(await result)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  // Check the first assertion with jose against the public half of the key.
  const first = readFileSync(args.out, 'utf8').slice(0, 2000).split('\n')[0];
  const { d, ...pub } = jwk;
  const { payload } = await jwtVerify(first, await importJWK(pub, 'ES256'), {
    issuer: claims.iss, subject: claims.sub, audience: args.aud[0], algorithms: ['ES256'],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.error(`assertions: ${count} for ${claims.iss}, aud ${JSON.stringify(claims.aud)}, kid ${decodeProtectedHeader(first).kid}, `
    + `exp ${new Date(payload.exp * 1000).toISOString()}, in ${seconds.toFixed(1)} s on ${workers} threads -> ${args.out}`);
}
