"""The SAML 2.0 identity provider the sign-in tests start on loopback
(tests/idp/saml.mjs, the npm samlify): a pytest fixture."""
