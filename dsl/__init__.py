"""The cchc rule language: grammar, parser, typed AST, static checker and errors."""
