"""The benchmark (``cchc bench``): synthetic records made from a rule set's own declarations,
and the time and memory each stage of the tool takes on them."""
