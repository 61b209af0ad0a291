"""Forms own what a person is told when something they typed cannot be saved,
by feature: goals (``goals``), their steps (``milestones``), the mentor's
suggestions (``suggestions``) and the rating form (``ratings``). Every message
says what to fix; a rejected form keeps everything typed."""
