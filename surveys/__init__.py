"""Program surveys: pulses after the match and at intervals, a closing survey
with a net promoter question, private answers and aggregates shown only above
a floor (DESIGN.md, "Surveys and proof of impact")."""
