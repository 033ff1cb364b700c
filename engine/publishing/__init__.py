"""Documents made from the rules: the criteria appendix, in Markdown, HTML and Word."""
