"""One GraphQL type (or a small family of them) per module."""
