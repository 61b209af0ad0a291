// A SAML 2.0 identity provider on loopback for the sign-in tests (samlify).
//
//   node saml.mjs <config.json>
//
// config.json: {
//   "port": 0,                       // 0: any free port (printed as "listening <port>")
//   "entity_id": "...",              // optional; defaults to http://127.0.0.1:<port>/metadata
//   "key_file": "...", "cert_file": "...",   // PEM: the IdP's signing key and certificate
//   "sp": {"entity_id": "...", "acs_url": "..."},   // the one service provider it serves
//   "accounts": [{"id": "u-1", "email": "...", "first_name": "...", "last_name": "...",
//                 "email_verified": true, "time_zone": "Europe/Berlin", "language": "de",
//                 "refused": false}]
// }
//
// GET  /metadata  the IdP's metadata (entity id, signing certificate, SSO URL)
// GET  /sso       the SP's AuthnRequest (HTTP-Redirect binding): a sign-in page
// POST /login     signs in as one of the accounts; answers with a page that POSTs
//                 a signed Response (signed assertion inside a signed message,
//                 RSA-SHA256) to the SP's assertion consumer service (HTTP-POST
//                 binding). A "refused" account gets a signed Response with the
//                 status RequestDenied and no assertion.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const saml = require("samlify");

// We test the service provider, not this IdP: the AuthnRequest it parses is
// not schema-checked here (python3-saml checks every Response it gets).
saml.setSchemaValidator({ validate: () => Promise.resolve("skipped") });

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const privateKey = readFileSync(config.key_file, "utf8");
const signingCert = readFileSync(config.cert_file, "utf8");
const { binding } = saml.Constants.namespace;
const EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

const pending = new Map(); // sign-in page token -> {requestId, relayState}
let idp;
let sp;

function escapeXml(value) {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const escapeHtml = escapeXml;

function newId() {
  return "_" + randomBytes(16).toString("hex");
}

function attributeStatement(account) {
  const attributes = {
    // uid, mail, givenName, sn, displayName (eduPerson / inetOrgPerson OIDs)
    "urn:oid:0.9.2342.19200300.100.1.1": account.id,
    "urn:oid:0.9.2342.19200300.100.1.3": account.email,
    "urn:oid:2.5.4.42": account.first_name,
    "urn:oid:2.5.4.4": account.last_name,
    "urn:oid:2.16.840.1.113730.3.1.241": [account.first_name, account.last_name].filter(Boolean).join(" "),
    email_verified: account.email_verified === undefined ? undefined : String(Boolean(account.email_verified)),
    timezone: account.time_zone,
    preferredLanguage: account.language,
  };
  const items = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
        `<saml:AttributeValue xsi:type="xs:string">${escapeXml(value)}</saml:AttributeValue></saml:Attribute>`,
    );
  return `<saml:AttributeStatement>${items.join("")}</saml:AttributeStatement>`;
}

function successResponse(account, requestId) {
  const now = new Date();
  const later = new Date(now.getTime() + 5 * 60 * 1000).toISOString();
  const instant = now.toISOString();
  const assertionId = newId();
  const issuer = escapeXml(idp.entityMeta.getEntityID());
  const acs = escapeXml(config.sp.acs_url);
  return (
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
    `ID="${newId()}" Version="2.0" IssueInstant="${instant}" Destination="${acs}" InResponseTo="${escapeXml(requestId)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
    '<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ' +
    `ID="${assertionId}" Version="2.0" IssueInstant="${instant}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${EMAIL_FORMAT}">${escapeXml(account.email)}</saml:NameID>` +
    '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
    `<saml:SubjectConfirmationData NotOnOrAfter="${later}" Recipient="${acs}" InResponseTo="${escapeXml(requestId)}"/>` +
    "</saml:SubjectConfirmation></saml:Subject>" +
    `<saml:Conditions NotBefore="${instant}" NotOnOrAfter="${later}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeXml(config.sp.entity_id)}</saml:Audience></saml:AudienceRestriction>` +
    "</saml:Conditions>" +
    `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${assertionId}">` +
    "<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport" +
    "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>" +
    attributeStatement(account) +
    "</saml:Assertion></samlp:Response>"
  );
}

function refusedResponse(requestId) {
  const issuer = escapeXml(idp.entityMeta.getEntityID());
  const xml =
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
    `ID="${newId()}" Version="2.0" IssueInstant="${new Date().toISOString()}" ` +
    `Destination="${escapeXml(config.sp.acs_url)}" InResponseTo="${escapeXml(requestId)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">' +
    '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>' +
    "<samlp:StatusMessage>This account may not sign in.</samlp:StatusMessage></samlp:Status></samlp:Response>";
  return saml.SamlLib.constructSAMLSignature({
    rawSamlMessage: xml,
    privateKey,
    signingCert: idp.entityMeta.getX509Certificate("signing"),
    signatureAlgorithm: RSA_SHA256,
    isMessageSigned: true,
    signatureConfig: {
      prefix: "ds",
      location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: "after" },
    },
  });
}

function page(title, body) {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    "<style>body{font-family:sans-serif;margin:2rem;max-width:30rem}input,button{font-size:1rem;padding:.4rem}" +
    "label{display:block;margin:1rem 0 .3rem}input{width:100%;box-sizing:border-box}</style>" +
    `</head><body><main>${body}</main></body></html>`
  );
}

function signInPage(token, error) {
  return page(
    "Test identity provider: sign in",
    "<h1>Test identity provider</h1>" +
      (error ? `<p role="alert">${escapeHtml(error)}</p>` : "") +
      `<form method="post" action="/login"><input type="hidden" name="pending" value="${escapeHtml(token)}">` +
      '<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>' +
      '<p><button type="submit">Sign in</button></p></form>',
  );
}

function postToServiceProvider(samlResponse, relayState) {
  return page(
    "Test identity provider: signing you in",
    `<form method="post" action="${escapeHtml(config.sp.acs_url)}" id="saml-post">` +
      `<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">` +
      (relayState ? `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">` : "") +
      "<h1>Signing you in</h1><p><button type=\"submit\">Continue</button></p></form>" +
      "<script>document.getElementById('saml-post').submit();</script>",
  );
}

function send(res, status, body, type = "text/html; charset=utf-8") {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

async function handleSso(res, url) {
  const query = Object.fromEntries(url.searchParams);
  if (!query.SAMLRequest) return send(res, 400, page("Bad request", "<h1>No SAMLRequest</h1>"));
  let parsed;
  try {
    parsed = await idp.parseLoginRequest(sp, "redirect", { query, octetString: url.search.slice(1) });
  } catch (error) {
    return send(res, 400, page("Bad request", `<h1>Unreadable AuthnRequest</h1><p>${escapeHtml(error)}</p>`));
  }
  const request = parsed.extract.request || {};
  const issuer = parsed.extract.issuer;
  if (issuer !== config.sp.entity_id) {
    return send(res, 403, page("Unknown service", `<h1>Unknown service provider</h1><p>${escapeHtml(issuer)}</p>`));
  }
  const token = randomBytes(16).toString("hex");
  pending.set(token, { requestId: request.id, relayState: query.RelayState || "" });
  return send(res, 200, signInPage(token));
}

async function handleLogin(req, res) {
  const form = await readForm(req);
  const flow = pending.get(form.get("pending") || "");
  if (!flow) return send(res, 400, page("Bad request", "<h1>This sign-in has expired</h1>"));
  const email = (form.get("email") || "").trim().toLowerCase();
  const account = config.accounts.find((a) => a.email.toLowerCase() === email);
  if (!account) return send(res, 200, signInPage(form.get("pending"), "No account has that email."));
  pending.delete(form.get("pending"));
  let samlResponse;
  if (account.refused) {
    samlResponse = refusedResponse(flow.requestId);
  } else {
    const xml = successResponse(account, flow.requestId);
    const built = await idp.createLoginResponse(sp, { extract: { request: { id: flow.requestId } } }, "post", account, () => ({
      id: "",
      context: xml,
    }));
    samlResponse = built.context;
  }
  return send(res, 200, postToServiceProvider(samlResponse, flow.relayState));
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/metadata") {
      return send(res, 200, idp.getMetadata(), "application/samlmetadata+xml");
    }
    if (req.method === "GET" && url.pathname === "/sso") return await handleSso(res, url);
    if (req.method === "POST" && url.pathname === "/login") return await handleLogin(req, res);
    return send(res, 404, page("Not found", "<h1>Not found</h1>"));
  } catch (error) {
    console.error(error);
    return send(res, 500, page("Error", "<h1>Error</h1>"));
  }
});

server.listen(config.port || 0, "127.0.0.1", () => {
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  idp = saml.IdentityProvider({
    entityID: config.entity_id || `${base}/metadata`,
    privateKey,
    signingCert,
    isAssertionEncrypted: false,
    wantAuthnRequestsSigned: false,
    requestSignatureAlgorithm: RSA_SHA256,
    nameIDFormat: [EMAIL_FORMAT],
    singleSignOnService: [{ Binding: binding.redirect, Location: `${base}/sso` }],
  });
  sp = saml.ServiceProvider({
    entityID: config.sp.entity_id,
    authnRequestsSigned: false,
    wantAssertionsSigned: true,
    wantMessageSigned: true,
    assertionConsumerService: [{ Binding: binding.post, Location: config.sp.acs_url }],
  });
  console.log(`listening ${port}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
