"""The goals pages of a pair. The pair reads them; the protégé writes goals,
milestones and ratings; the mentor suggests goals. Everyone else gets 404
(program admins included: they read numbers on the program pages), and an
action of the other role gets 403.

Every action is a plain form POST that redirects back, so everything works
without JavaScript; with htmx, milestones update in place."""
