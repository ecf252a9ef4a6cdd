"""Loaders: each turns one kind of raw file into validated tidy frames, or raises a named InputError."""
