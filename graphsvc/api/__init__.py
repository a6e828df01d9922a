"""The GraphQL API: strawberry schema, GraphQL-over-HTTP endpoint and the Starlette app factory."""
