"""The cchc engine: fact records, evaluation, explanation and the command line."""
