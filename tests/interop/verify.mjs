// Verify a session token with Clerk's own @clerk/backend, networkless (jwtKey), and print a verdict.
//
// stdin: {"token": "...", "jwtKey": "-----BEGIN PUBLIC KEY-----...", "authorizedParties": [...],
//         "checks": [{"role": "org:admin"}, {"permission": "org:x:y"}, ...]}
// stdout: {"ok": true, "payload": {...}, "auth": {...}, "has": [true, false, ...]}
//      or {"ok": false, "reason": "token-invalid-authorized-parties"}
//
// "auth" is how @clerk/backend reads the claims (signedInAuthObject, the object behind
// auth() in Clerk's SDKs); "has" answers each check with its has(). Nothing here echoes the
// token or the key.
import { readFileSync } from "node:fs";
import { verifyToken } from "@clerk/backend";
import { signedInAuthObject } from "@clerk/backend/internal";

const AUTH_FIELDS = [
  "userId",
  "sessionId",
  "sessionStatus",
  "orgId",
  "orgRole",
  "orgSlug",
  "orgPermissions",
  "factorVerificationAge",
  "actor",
];

async function main() {
  const input = JSON.parse(readFileSync(0, "utf8"));
  let payload;
  try {
    payload = await verifyToken(input.token, {
      jwtKey: input.jwtKey,
      authorizedParties: input.authorizedParties,
    });
  } catch (error) {
    return { ok: false, reason: error?.reason ?? "unexpected" };
  }
  // No secret key and no API URL: getToken() would need the network, nothing else does.
  const authObject = signedInAuthObject({}, input.token, payload);
  const auth = Object.fromEntries(AUTH_FIELDS.map((k) => [k, authObject[k] ?? null]));
  const has = (input.checks ?? []).map((check) => authObject.has(check));
  return { ok: true, payload, auth, has };
}

process.stdout.write(JSON.stringify(await main()) + "\n");
