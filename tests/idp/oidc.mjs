// A real OpenID Connect provider (the npm oidc-provider) for the sign-in tests,
// on loopback only. Usage:
//   node oidc.mjs --port 9000 --client-id mentoring --client-secret s3cret \
//     --redirect-uri http://localhost:8000/accounts/oidc/org/login/callback/ \
//     --accounts accounts.json
// (--redirect-uri may be given more than once). accounts.json is a list of
// {login, sub, email, email_verified, name, zoneinfo, locale, refused}; a person
// signs in by typing their login (their email when no login is given). The
// provider refuses the sign-in of an account with "refused": true, sending the
// browser back with error=access_denied, as an identity provider does for a
// leaver. ID tokens are signed with a key made at start (RS256); the code flow
// needs PKCE (S256).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

import Provider from "oidc-provider";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: process.env.OIDC_PORT ?? "9000" },
    "client-id": { type: "string", default: process.env.OIDC_CLIENT_ID ?? "mentoring" },
    "client-secret": { type: "string", default: process.env.OIDC_CLIENT_SECRET ?? "not-a-secret" },
    "redirect-uri": { type: "string", multiple: true, default: [] },
    accounts: { type: "string", default: process.env.OIDC_ACCOUNTS },
  },
});

const port = Number(args.port);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(readFileSync(args.accounts, "utf8"));
const byLogin = new Map(accounts.map((account) => [(account.login ?? account.email).toLowerCase(), account]));
const bySub = new Map(accounts.map((account) => [account.sub, account]));

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test-signing-key", use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: args["client-id"],
      client_secret: args["client-secret"],
      redirect_uris: args["redirect-uri"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "RS256",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  pkce: { required: () => true, methods: ["S256"] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "zoneinfo", "locale"],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = bySub.get(sub);
    if (!account || account.refused) return undefined;
    return {
      accountId: sub,
      async claims() {
        const claims = { sub, email: account.email, email_verified: Boolean(account.email_verified), name: account.name };
        if (account.zoneinfo) claims.zoneinfo = account.zoneinfo;
        if (account.locale) claims.locale = account.locale;
        return claims;
      },
    };
  },
});

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function loginPage(uid, message = "", login = "") {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to the test identity provider</title></head>
<body><main>
<h1>Test identity provider</h1>
${message ? `<p role="alert">${escape(message)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="login">Login</label>
  <input id="login" name="login" autocomplete="username" value="${escape(login)}">
  <button type="submit">Continue</button>
</form>
</main></body></html>`;
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// Grants what the client asked for: this provider's people have agreed to the
// organisation's apps beforehand, as inside a company.
async function grantConsent(details) {
  const { prompt, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  if (prompt.details.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
  }
  return { consent: { grantId: await grant.save() } };
}

async function interaction(req, res) {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== match[1]) throw new Error("interaction mismatch");
  if (details.prompt.name === "consent") {
    return provider.interactionFinished(req, res, await grantConsent(details), { mergeWithLastSubmission: true });
  }
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    return res.end(loginPage(details.uid));
  }
  const login = (await readForm(req)).get("login") ?? "";
  const account = byLogin.get(login.trim().toLowerCase());
  if (!account) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    return res.end(loginPage(details.uid, "No account has that login.", login));
  }
  if (account.refused) {
    return provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "This account may no longer sign in." },
      { mergeWithLastSubmission: false },
    );
  }
  return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
createServer((req, res) => {
  if (req.url.startsWith("/interaction/")) {
    interaction(req, res).catch((error) => {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${error.name}: ${error.message}`);
    });
  } else {
    callback(req, res);
  }
}).listen(port, "127.0.0.1", () => console.log(`OpenID Connect provider at ${issuer}`));
