"""The OpenID Connect provider the sign-in tests start on loopback
(tests/idp/oidc.mjs, the npm oidc-provider): a pytest fixture."""
