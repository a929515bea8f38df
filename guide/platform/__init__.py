"""Request plumbing: database outages, allowed methods, the CSRF origin check, rate limits,
the client's address, sessions, the password backend, the cache backend, background work."""
