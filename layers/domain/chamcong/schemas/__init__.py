"""The HTTP contract's bodies, query strings and responses, one module per area; the OpenAPI is built from them.

`common` holds the base classes (`Body`, `Query`, `View`) and the value types every area shares (ids, names,
days, months), so a rule such as "no control characters in a name" is written once.
"""
