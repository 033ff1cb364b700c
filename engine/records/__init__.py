"""The parts of reading a fact record: YAML with lines, the schema a rule set implies, the forms
Vietnamese officials type, recorded points. ``engine.facts`` puts them together."""
