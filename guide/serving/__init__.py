"""How pages are kept and served fast: the page cache, skeletons of pages for visitors
with a session, what is kept per content version, and the few queries compiled once."""
