"""Reads for programs, by feature: their people (``people``), invitations
(``invitations``) and the matching profiles (``matching``). Selectors never
write; each says how many queries it runs."""
