-- Who filed a request, as a key (the owner key of a citizen, an officer's
-- subject key): an officer never reviews their own request.
ALTER TABLE disclosure_requests ADD COLUMN requester_key TEXT NOT NULL DEFAULT '';
