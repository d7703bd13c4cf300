// Verifies a Sigstore bundle with @sigstore/verify and a public key supplied by the caller: an
// independent implementation checking what Gantry writes. No trusted root, no transparency log and
// no timestamps are required, because key-based offline bundles carry none.
//
// usage: node verify-bundle.js <bundle.json> <public-key.pem> [artifact]
//   (artifact for a message-signature bundle; none for a DSSE bundle)
// exit 0 and "verified" when the bundle verifies; exit 1 and the error otherwise.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const [bundlePath, keyPath, artifactPath] = process.argv.slice(2);
try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const spki = crypto.createPublicKey(fs.readFileSync(keyPath, 'utf8')).export({ type: 'spki', format: 'der' });
  // The key is trusted under its cosign hint; a bundle naming another key is refused.
  const hint = crypto.createHash('sha256').update(spki).digest('base64');
  const noAuthorities = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const trust = toTrustMaterial(noAuthorities, { [hint]: { rawBytes: spki } });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  const artifact = artifactPath ? fs.readFileSync(artifactPath) : undefined;
  verifier.verify(toSignedEntity(bundle, artifact));
  console.log('verified');
} catch (e) {
  console.error(`${e.code || e.name}: ${e.message}`);
  process.exit(1);
}
