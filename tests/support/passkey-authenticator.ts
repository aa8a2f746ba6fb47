import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

// A software authenticator: a P-256 key pair per credential, "none" attestation, real signatures over real
// authenticator data, so the server's verification runs exactly as it does for a browser's answer.

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  publicKeyCose: Uint8Array;
  rpId: string;
  userHandle: string;
  counter: number;
}

export interface CeremonyOptions {
  origin: string;
  rpId?: string;
  /** Overrides the challenge the options carry (a wrong or replayed challenge). */
  challenge?: string;
  userVerified?: boolean;
  type?: string;
}

function coseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: "jwk" });
  const key = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, new Uint8Array(Buffer.from(jwk.x!, "base64url"))],
    [-3, new Uint8Array(Buffer.from(jwk.y!, "base64url"))],
  ]);
  return isoCBOR.encode(key);
}

function counterBytes(counter: number) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(counter);
  return b;
}

function clientData(type: string, challenge: string, origin: string) {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/** Answers registration options as a browser with this authenticator would: a new credential. */
export function createCredential(
  options: { challenge: string; rp: { id?: string }; user: { id: string } },
  ceremony: CeremonyOptions,
): { credential: SoftCredential; response: Record<string, unknown> } {
  const rpId = ceremony.rpId ?? options.rp.id!;
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const credentialId = randomBytes(16);
  const publicKeyCose = coseKey(publicKey);
  const flags = FLAG_UP | FLAG_AT | (ceremony.userVerified === false ? 0 : FLAG_UV);
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(credentialId.length);
  const authData = Buffer.concat([
    sha256(rpId),
    Buffer.from([flags]),
    counterBytes(0),
    Buffer.alloc(16),
    idLength,
    credentialId,
    publicKeyCose,
  ]);
  const attestationObject = isoCBOR.encode(
    new Map<string, unknown>([
      ["fmt", "none"],
      ["attStmt", new Map()],
      ["authData", new Uint8Array(authData)],
    ]) as never,
  );
  const clientDataJSON = clientData(ceremony.type ?? "webauthn.create", ceremony.challenge ?? options.challenge, ceremony.origin);
  const id = b64url(credentialId);
  return {
    credential: { id, privateKey, publicKeyCose, rpId, userHandle: options.user.id, counter: 0 },
    response: {
      id,
      rawId: id,
      type: "public-key",
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ["internal"] },
    },
  };
}

/** Answers authentication options with this credential: the counter advances, the signature is real. */
export function assert(
  credential: SoftCredential,
  options: { challenge: string },
  ceremony: CeremonyOptions & { counter?: number },
): Record<string, unknown> {
  const rpId = ceremony.rpId ?? credential.rpId;
  credential.counter = ceremony.counter ?? credential.counter + 1;
  const flags = FLAG_UP | (ceremony.userVerified === false ? 0 : FLAG_UV);
  const authData = Buffer.concat([sha256(rpId), Buffer.from([flags]), counterBytes(credential.counter)]);
  const clientDataJSON = clientData(ceremony.type ?? "webauthn.get", ceremony.challenge ?? options.challenge, ceremony.origin);
  const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
  return {
    id: credential.id,
    rawId: credential.id,
    type: "public-key",
    clientExtensionResults: {},
    authenticatorAttachment: "platform",
    response: {
      clientDataJSON: b64url(clientDataJSON),
      authenticatorData: b64url(authData),
      signature: b64url(signature),
      userHandle: credential.userHandle,
    },
  };
}
