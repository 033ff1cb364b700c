"""A scoring year's results for a province: the ranking tables, the component indices, and every
published figure checked against what the rules and the records give."""
