"""Program health: how each partnership is doing, from numbers only.

``numbers`` counts a pair's numbers from its history; ``services`` stores them
(``models.HealthNumbers``) when a writer below sends
``partnerships.signals.pair_changed`` (``receivers``) and each night (``tasks``);
``rule`` turns the stored numbers into a label and its reason; ``selectors``
read the overview's pairs and figures and the CSV report (``views``)."""
