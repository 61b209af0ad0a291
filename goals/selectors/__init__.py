"""Reads for goals and ratings, by feature: when the next rating is due and the
rating form's goals (``ratings``), a goal's ratings over time (``trends``),
the goals page (``goals``), the partnership home's panel (``panel``) and the
numbers program admins read (``figures``). Selectors never write; each says
how many queries it runs, and none grows with the number of goals,
milestones, revisions or ratings."""
