import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/*
 * AES-256-GCM for personal fields and for wrapping data keys. A sealed value is base64 of
 * iv (12 bytes) ‖ tag (16) ‖ ciphertext. The associated data binds a ciphertext to its stream, so
 * a value copied into another stream's event does not decrypt there.
 */

const IV = 12;
const TAG = 16;
export const KEY_BYTES = 32;

export function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** Throws when the key is wrong or the value was tampered with (GCM authentication). */
export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(bytes.subarray(IV, IV + TAG));
  return Buffer.concat([decipher.update(bytes.subarray(IV + TAG)), decipher.final()]);
}

export const newDataKey = () => randomBytes(KEY_BYTES);

const wrapAad = (streamId: string) => `ledger-data-key:${streamId}`;

/** A data key encrypted by the master key (what the data_keys table holds). */
export const wrapKey = (master: Buffer, streamId: string, dataKey: Buffer) => seal(master, dataKey, wrapAad(streamId));
export const unwrapKey = (master: Buffer, streamId: string, wrapped: string) => open(master, wrapped, wrapAad(streamId));
